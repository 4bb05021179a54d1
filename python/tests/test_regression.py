"""
DownhillRegressor from PySpark: in a Pipeline after pyspark's VectorAssembler and StandardScaler on
a linear truth (y = w·z + b + noise), its R² clears a floor and its coefficients agree with
pyspark's LinearRegression on the same rows; saved in Python it loads in Java, and saved again in
Java it loads back in Python, with identical predictions; its Params are the Java regressor's
(defaults squared), a bad value refused with the JVM's message.
"""

import math
import random
from typing import Any, List, Tuple

import pytest
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import RegressionEvaluator
from pyspark.ml.feature import StandardScaler, VectorAssembler
from pyspark.ml.regression import LinearRegression
from pyspark.sql import DataFrame

import downhill
from downhill import DownhillRegressionModel, DownhillRegressor

RAW = ["c0", "c1", "c2", "c3"]
#: The truth: y = W·z + B + NOISE·ε over standard normal z; the raw columns are z times SCALE.
W = [2.0, -1.0, 0.5, 3.0]
B = 4.0
NOISE = 0.1
SCALE = [1.0, 100.0, 0.01, 10.0]
SETTINGS = dict(learningRate=0.05, schedule="constant", batchSize=64, epochs=6, numPartitions=2, seed=3)


def rows(spark: Any, n: int, seed: int) -> DataFrame:
    """id, label and c0..c3 of the linear truth."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        z = [rng.gauss(0.0, 1.0) for _ in RAW]
        y = B + sum(w * v for w, v in zip(W, z)) + NOISE * rng.gauss(0.0, 1.0)
        out.append((i, y, *(s * v for s, v in zip(SCALE, z))))
    return spark.createDataFrame(out, ["id", "label", *RAW])


def pipeline(last: Any) -> Pipeline:
    return Pipeline(stages=[
        VectorAssembler(inputCols=RAW, outputCol="raw"),
        StandardScaler(inputCol="raw", outputCol="features", withMean=True, withStd=True),
        last,
    ])


@pytest.fixture(scope="module")
def train(spark: Any) -> DataFrame:
    return rows(spark, 4000, seed=1).cache()


@pytest.fixture(scope="module")
def test(spark: Any) -> DataFrame:
    return rows(spark, 1000, seed=2).cache()


@pytest.fixture(scope="module")
def fitted(train: DataFrame) -> PipelineModel:
    return pipeline(DownhillRegressor(validationFraction=0.1, **SETTINGS)).fit(train)


def metric(name: str, predicted: DataFrame) -> float:
    return RegressionEvaluator(metricName=name).evaluate(predicted)


def predictions(predicted: DataFrame) -> List[Tuple[int, float]]:
    return [(r.id, r.prediction) for r in predicted.select("id", "prediction").orderBy("id").collect()]


def test_in_a_pipeline_it_fits_the_linear_truth(fitted: PipelineModel, test: DataFrame) -> None:
    predicted = fitted.transform(test)
    assert dict(predicted.dtypes)["prediction"] == "double"
    assert metric("r2", predicted) > 0.99
    assert metric("rmse", predicted) < 2 * NOISE

    model = fitted.stages[2]
    assert isinstance(model, DownhillRegressionModel)
    assert (model.numFeatures, model.getModelType(), model.lossName, model.getLearningRate()) == (4, "squared", "squared", 0.05)
    summary = model.summary
    assert summary.epochs == 6 and summary.splits == ["train", "validation"]
    assert summary.r2("validation")[-1] > 0.99, summary.json
    assert summary.rmse("train")[-1] < summary.rmse("train")[0], summary.json
    assert summary.mae("validation")[-1] < summary.rmse("validation")[-1] + 1e-12  # MAE ≤ RMSE
    assert all(math.isnan(a) for a in summary.accuracy("train")), "no accuracy for a regressor"
    assert summary.get("data_identity")["classes"] == 0


def test_it_agrees_with_pysparks_linear_regression(fitted: PipelineModel, train: DataFrame, test: DataFrame) -> None:
    theirs = pipeline(LinearRegression(regParam=0.0, elasticNetParam=0.0)).fit(train)
    lr = theirs.stages[2]
    theta = fitted.stages[2].weights.toArray()  # linear: the coefficients, then the intercept
    for j, (ours, spark_w) in enumerate(zip(theta[:4], lr.coefficients.toArray())):
        # the scaler divides SCALE[j]·z by its deviation ≈ SCALE[j]: the coefficient is ≈ W[j]
        assert ours == pytest.approx(spark_w, abs=0.01), f"coefficient {j} against LinearRegression's"
        assert ours == pytest.approx(W[j], abs=0.1), f"coefficient {j} against the truth"
    assert theta[4] == pytest.approx(lr.intercept, abs=0.01), "intercept against LinearRegression's"
    ours_rmse, their_rmse = metric("rmse", fitted.transform(test)), metric("rmse", theirs.transform(test))
    assert ours_rmse == pytest.approx(their_rmse, rel=0.02), "test RMSE within 2% of LinearRegression's"


def test_saved_in_python_it_loads_in_java_and_saved_there_back_in_python(
    spark: Any, jvm: Any, fitted: PipelineModel, test: DataFrame, tmp_path: Any
) -> None:
    expected = predictions(fitted.transform(test))
    path = str(tmp_path / "python-pipeline")
    fitted.write().overwrite().save(path)
    java = jvm.org.apache.spark.ml.PipelineModel.load(path)
    stage = java.stages()[2]
    assert stage.getClass().getName() == "io.downhill.ml.DownhillRegressionModel"
    assert (stage.getLearningRate(), stage.getSchedule(), stage.getModelType()) == (0.05, "constant", "squared")
    assert list(stage.weights()) == fitted.stages[2].weights.toArray().tolist()
    assert predictions(DataFrame(java.transform(test._jdf), spark)) == expected

    again_path = str(tmp_path / "java-pipeline")
    java.write().overwrite().save(again_path)
    again = PipelineModel.load(again_path)
    model = again.stages[2]
    assert isinstance(model, DownhillRegressionModel) and model.uid == fitted.stages[2].uid
    assert (model.getLearningRate(), model.getEpochs(), model.getSeed()) == (0.05, 6, 3)
    assert model.summary.json == fitted.stages[2].summary.json
    assert predictions(again.transform(test)) == expected

    alone = str(tmp_path / "python-model")
    fitted.stages[2].save(alone)
    java_model = jvm.io.downhill.ml.DownhillRegressionModel.load(alone)
    assert list(java_model.weights()) == fitted.stages[2].weights.toArray().tolist()
    assert DownhillRegressionModel.load(alone).weights == fitted.stages[2].weights


def test_the_estimator_saves_and_loads_across_languages(jvm: Any, tmp_path: Any) -> None:
    DownhillRegressor(modelType="MLP", hiddenLayers=[8], activation="tanh").save(str(tmp_path / "python-estimator"))
    java = jvm.io.downhill.ml.DownhillRegressor.load(str(tmp_path / "python-estimator"))
    assert (java.getModelType(), list(java.getHiddenLayers()), java.getActivation()) == ("mlp", [8], "tanh")
    java.setLearningRate(0.003).write().overwrite().save(str(tmp_path / "java-estimator"))
    loaded = DownhillRegressor.load(str(tmp_path / "java-estimator"))
    assert isinstance(loaded, DownhillRegressor)
    assert (loaded.getModelType(), loaded.getHiddenLayers(), loaded.getLearningRate()) == ("mlp", [8], 0.003)


def test_its_params_are_the_java_regressors_with_squared_defaults(spark: Any) -> None:
    reg = DownhillRegressor()
    java = reg._java_obj
    assert {p.name() for p in java.params()} == {p.name for p in reg.params}
    assert (reg.getModelType(), reg.getLoss()) == ("squared", "squared")
    assert (reg.getFeaturesCol(), reg.getLabelCol(), reg.getPredictionCol()) == ("features", "label", "prediction")
    assert not reg.hasParam("probabilityCol")
    assert reg.setParams(modelType="MLP", hiddenLayers=(16,), batchNorm="After") is reg
    assert (reg.getModelType(), reg.getHiddenLayers(), reg.getBatchNorm()) == ("mlp", [16], "after")
    assert (java.getModelType(), list(java.getHiddenLayers()), java.getBatchNorm()) == ("mlp", [16], "after")


def test_a_bad_param_is_refused_with_the_jvms_message(spark: Any, jvm: Any, train: DataFrame) -> None:
    reg = DownhillRegressor(learningRate=0.5)
    with pytest.raises(ValueError) as refused:
        reg.setLearningRate(-1.0)
    try:
        jvm.io.downhill.ml.DownhillRegressor().setLearningRate(-1.0)
        pytest.fail("the JVM accepted learningRate -1.0")
    except Exception as e:  # py4j's Py4JJavaError or pyspark's captured IllegalArgumentException
        java_message = str(e.java_exception.getMessage()) if hasattr(e, "java_exception") else str(e._desc)
    assert java_message == "DownhillRegressor parameter learningRate: invalid value -1.0; allowed: a finite number > 0, or auto (0)"
    assert str(refused.value) == java_message
    assert reg.getLearningRate() == 0.5 and reg._java_obj.getLearningRate() == 0.5

    # a classifier's model is a valid modelType, refused at fit with the Java message
    features = VectorAssembler(inputCols=RAW, outputCol="features").transform(train.limit(50))
    with pytest.raises(Exception, match="DownhillRegressor modelType: a classifier's model on a regressor: "
                                        "expected squared \\(linear least squares\\) or mlp, found softmax"):
        DownhillRegressor(modelType="softmax", epochs=1).fit(features)


def test_the_package_exports_it() -> None:
    assert downhill.DownhillRegressor is DownhillRegressor
    assert {"DownhillRegressor", "DownhillRegressionModel"} <= set(downhill.__all__)
