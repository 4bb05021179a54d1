"""
Save in Python and load in Java, and the other way round (the Java side driven through py4j in the
same session): the same Params and the same predictions, bit for bit, for a bare model, a whole
PipelineModel and the unfitted estimator; and the same settings train the same weights from either
side.
"""

from typing import Any, List, Sequence, Tuple

import pytest
from blobs import frame
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.feature import StringIndexer, VectorAssembler
from pyspark.sql import DataFrame

from downhill import DownhillClassificationModel, DownhillClassifier

RAW = [f"c{i}" for i in range(6)]
SETTINGS = dict(modelType="mlp", hiddenLayers=[8], optimizer="adam", learningRate=0.02, epochs=3, batchSize=32,
                numPartitions=2, seed=9)


@pytest.fixture(scope="module")
def raw(spark: Any) -> DataFrame:
    """id, kind, c0..c5 and label (the class index)."""
    blobs = frame(spark, rows=300, seed=21)
    return StringIndexer(inputCol="kind", outputCol="label").fit(blobs).transform(blobs).cache()


@pytest.fixture(scope="module")
def data(raw: DataFrame) -> DataFrame:
    """id, label and features."""
    return VectorAssembler(inputCols=RAW, outputCol="features").transform(raw).select("id", "label", "features").cache()


def scored(predicted: DataFrame) -> List[Tuple]:
    """Each row's id, prediction, probabilities and scores, in id order."""
    rows = predicted.select("id", "prediction", "probability", "rawPrediction").orderBy("id").collect()
    return [(r.id, r.prediction, r.probability.toArray().tolist(), r.rawPrediction.toArray().tolist()) for r in rows]


def java_array(spark: Any, java_type: Any, values: Sequence[Any]) -> Any:
    array = spark.sparkContext._gateway.new_array(java_type, len(values))
    for i, v in enumerate(values):
        array[i] = v
    return array


def java_classifier(spark: Any, jvm: Any) -> Any:
    """A Java DownhillClassifier with SETTINGS, set with the Java setters."""
    return (jvm.io.downhill.ml.DownhillClassifier().setModelType("mlp").setHiddenLayers(java_array(spark, jvm.int, [8]))
            .setOptimizer("adam").setLearningRate(0.02).setEpochs(3).setBatchSize(32).setNumPartitions(2).setSeed(9))


def test_a_model_saved_in_python_loads_in_java(spark: Any, jvm: Any, data: DataFrame, tmp_path: Any) -> None:
    model = DownhillClassifier(**SETTINGS).fit(data)
    path = str(tmp_path / "python-model")
    model.save(path)
    java = jvm.io.downhill.ml.DownhillClassificationModel.load(path)
    assert scored(DataFrame(java.transform(data._jdf), spark)) == scored(model.transform(data))
    assert (java.getLearningRate(), java.getOptimizer(), list(java.getHiddenLayers()), java.getSeed()) == (0.02, "adam", [8], 9)
    assert java.summary().epochs() == 3
    assert list(java.weights()) == model.weights.toArray().tolist()


def test_a_pipeline_saved_in_python_loads_in_java(spark: Any, jvm: Any, raw: DataFrame, tmp_path: Any) -> None:
    fitted = Pipeline(stages=[VectorAssembler(inputCols=RAW, outputCol="features"), DownhillClassifier(**SETTINGS)]).fit(raw)
    path = str(tmp_path / "python-pipeline")
    fitted.write().overwrite().save(path)
    java = jvm.org.apache.spark.ml.PipelineModel.load(path)
    assert java.stages()[1].getClass().getName() == "io.downhill.ml.DownhillClassificationModel"
    assert scored(DataFrame(java.transform(raw._jdf), spark)) == scored(fitted.transform(raw))
    again = PipelineModel.load(path)
    assert scored(again.transform(raw)) == scored(fitted.transform(raw))


def test_a_model_saved_in_java_loads_in_python(spark: Any, jvm: Any, data: DataFrame, tmp_path: Any) -> None:
    java = java_classifier(spark, jvm).fit(data._jdf)
    path = str(tmp_path / "java-model")
    java.write().overwrite().save(path)
    model = DownhillClassificationModel.load(path)
    assert isinstance(model, DownhillClassificationModel)
    assert scored(model.transform(data)) == scored(DataFrame(java.transform(data._jdf), spark))
    assert (model.getLearningRate(), model.getOptimizer(), model.getHiddenLayers(), model.getEpochs()) == (0.02, "adam", [8], 3)
    assert model.summary.epochs == 3 and model.uid == java.uid()
    assert model.weights.toArray().tolist() == list(java.weights())
    # the same settings from Python train the same weights
    assert DownhillClassifier(**SETTINGS).fit(data).weights.toArray().tolist() == list(java.weights())


def test_a_pipeline_saved_in_java_loads_in_python(spark: Any, jvm: Any, raw: DataFrame, tmp_path: Any) -> None:
    assembler = jvm.org.apache.spark.ml.feature.VectorAssembler().setInputCols(
        java_array(spark, jvm.java.lang.String, RAW)).setOutputCol("features")
    stages = java_array(spark, jvm.org.apache.spark.ml.PipelineStage, [assembler, java_classifier(spark, jvm)])
    java = jvm.org.apache.spark.ml.Pipeline().setStages(stages).fit(raw._jdf)
    path = str(tmp_path / "java-pipeline")
    java.write().overwrite().save(path)
    fitted = PipelineModel.load(path)
    assert [type(s).__name__ for s in fitted.stages] == ["VectorAssembler", "DownhillClassificationModel"]
    assert scored(fitted.transform(raw)) == scored(DataFrame(java.transform(raw._jdf), spark))


def test_the_unfitted_estimator_goes_both_ways(spark: Any, jvm: Any, tmp_path: Any) -> None:
    clf = DownhillClassifier(**SETTINGS, activation="tanh", validationFraction=0.2)
    clf.save(str(tmp_path / "python-estimator"))
    java = jvm.io.downhill.ml.DownhillClassifier.load(str(tmp_path / "python-estimator"))
    assert (java.getActivation(), java.getValidationFraction(), list(java.getHiddenLayers())) == ("tanh", 0.2, [8])
    java_classifier(spark, jvm).setDropout(0.25).write().overwrite().save(str(tmp_path / "java-estimator"))
    loaded = DownhillClassifier.load(str(tmp_path / "java-estimator"))
    assert isinstance(loaded, DownhillClassifier)
    assert (loaded.getDropout(), loaded.getHiddenLayers(), loaded.getOptimizer(), loaded.getSeed()) == (0.25, [8], "adam", 9)
    with pytest.raises(ValueError, match="parameter dropout: invalid value 2.0"):
        loaded.setDropout(2.0)  # a loaded estimator validates as a new one
