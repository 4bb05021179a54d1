"""
Real use from PySpark: a Pipeline of pyspark's StringIndexer, VectorAssembler and StandardScaler
with DownhillClassifier on string-labelled data, its training summary, evaluation on held-out
rows, and CrossValidator over Downhill's Params.
"""

import math
from typing import Any

import pytest
from blobs import CLASSES, frame
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import StandardScaler, StringIndexer, VectorAssembler
from pyspark.ml.tuning import CrossValidator, CrossValidatorModel, ParamGridBuilder

import downhill
from downhill import DownhillClassificationModel, DownhillClassifier, DownhillTrainingSummary

RAW = [f"c{i}" for i in range(6)]


def pipeline(clf: DownhillClassifier) -> Pipeline:
    return Pipeline(
        stages=[
            StringIndexer(inputCol="kind", outputCol="label"),
            VectorAssembler(inputCols=RAW, outputCol="raw"),
            StandardScaler(inputCol="raw", outputCol="features", withMean=True, withStd=True),
            clf,
        ]
    )


@pytest.fixture(scope="module")
def train(spark: Any) -> Any:
    return frame(spark, rows=900, seed=11).cache()


@pytest.fixture(scope="module")
def test(spark: Any) -> Any:
    return frame(spark, rows=300, seed=12).cache()


@pytest.fixture(scope="module")
def fitted(train: Any) -> PipelineModel:
    clf = DownhillClassifier(
        modelType="mlp", hiddenLayers=[16], optimizer="adam", learningRate=0.01, epochs=6,
        batchSize=64, numPartitions=2, seed=3, validationFraction=0.1,
    )
    return pipeline(clf).fit(train)


def accuracy(predicted: Any) -> float:
    return MulticlassClassificationEvaluator(metricName="accuracy").evaluate(predicted)


def test_a_pipeline_of_pysparks_stages_and_downhill_learns_the_classes(fitted: PipelineModel, test: Any) -> None:
    predicted = fitted.transform(test)
    assert {"rawPrediction", "probability", "prediction"} <= set(predicted.columns)
    acc = accuracy(predicted)
    assert acc > 0.9, f"test accuracy {acc}"
    model = fitted.stages[-1]
    assert isinstance(model, DownhillClassificationModel)
    assert model.numClasses == 3 and model.numFeatures == 6
    indexer = fitted.stages[0]
    assert model.classNames == list(indexer.labels) and sorted(model.classNames) == sorted(CLASSES)
    assert model.lossName == "softmax"
    assert len(model.weights) == 6 * 16 + 16 + 16 * 3 + 3
    assert (model.getHiddenLayers(), model.getOptimizer(), model.getLearningRate()) == ([16], "adam", 0.01)
    row = predicted.select("probability").first()
    assert math.isclose(sum(row.probability), 1.0, abs_tol=1e-9)


def test_the_training_summary_is_a_python_object(fitted: PipelineModel) -> None:
    model = fitted.stages[-1]
    assert model.hasSummary
    summary = model.summary
    assert isinstance(summary, DownhillTrainingSummary)
    assert summary.epochs == 6 and summary.bestEpoch == 6 and summary.stopReason == "epochs"
    assert summary.splits == ["train", "validation"]
    train_acc, val_acc = summary.accuracy("train"), summary.accuracy("validation")
    assert len(train_acc) == len(val_acc) == len(summary.objectiveHistory) == 6
    assert train_acc[-1] > 0.9 and val_acc[-1] > 0.85, summary.json
    assert summary.objectiveHistory[-1] < summary.objectiveHistory[0]
    assert summary.objectiveHistory == summary.loss("train")
    assert all(math.isnan(x) for x in summary.accuracy("test"))  # not evaluated in a fit
    assert summary.totalIterations > 0
    assert summary.get("spark_version") == downhill.SPARK_VERSION
    assert len(summary.get("data_identity")["fingerprint"]) == 16
    assert summary.get("settings")["optimizer"].strip('"') == "adam"
    with pytest.raises(ValueError, match="unknown split 'val'"):
        summary.loss("val")


def test_evaluate_gives_sparks_multiclass_metrics(fitted: PipelineModel, test: Any) -> None:
    features = fitted.stages[2].transform(fitted.stages[1].transform(fitted.stages[0].transform(test)))
    scored = fitted.stages[-1].evaluate(features)
    assert scored.accuracy == pytest.approx(accuracy(fitted.transform(test)), abs=1e-12)
    assert scored.labels == [0.0, 1.0, 2.0]
    assert len(scored.precisionByLabel) == len(scored.recallByLabel) == len(scored.fMeasureByLabel) == 3
    assert 0.9 < scored.weightedFMeasure <= 1.0
    assert scored.predictions.count() == 300
    assert (scored.predictionCol, scored.labelCol) == ("prediction", "label")


def test_cross_validator_tunes_downhills_params(spark: Any, train: Any, test: Any) -> None:
    clf = DownhillClassifier(epochs=2, batchSize=64, numPartitions=2, seed=5)
    grid = ParamGridBuilder().addGrid(clf.learningRate, [1e-4, 0.1]).addGrid(clf.optimizer, ["sgd", "MOMENTUM"]).build()
    cv = CrossValidator(
        estimator=pipeline(clf), estimatorParamMaps=grid, numFolds=2, seed=7,
        evaluator=MulticlassClassificationEvaluator(metricName="accuracy"),
    )
    model = cv.fit(train)
    metrics = model.avgMetrics
    assert len(metrics) == 4
    rates = [m[clf.learningRate] for m in grid]
    slow = [m for m, r in zip(metrics, rates) if r == 1e-4]
    fast = [m for m, r in zip(metrics, rates) if r == 0.1]
    assert min(fast) > max(slow) + 0.1, metrics  # the grid's values reached the JVM
    best = model.bestModel.stages[-1]
    assert isinstance(best, DownhillClassificationModel)
    assert best.getLearningRate() == 0.1
    assert best.getOptimizer() in ("sgd", "momentum")  # "MOMENTUM" arrives canonical
    assert accuracy(model.transform(test)) > 0.9


def test_a_tuned_model_saves_and_loads_in_python(spark: Any, train: Any, test: Any, tmp_path: Any) -> None:
    clf = DownhillClassifier(epochs=2, batchSize=64, numPartitions=2, seed=5)
    grid = ParamGridBuilder().addGrid(clf.regParam, [1e-4, 1e-2]).build()
    model = CrossValidator(
        estimator=pipeline(clf), estimatorParamMaps=grid, numFolds=2, seed=7,
        evaluator=MulticlassClassificationEvaluator(metricName="accuracy"),
    ).fit(train)
    path = str(tmp_path / "cv")
    model.write().overwrite().save(path)
    again = CrossValidatorModel.load(path)
    assert isinstance(again.bestModel.stages[-1], DownhillClassificationModel)
    assert again.bestModel.stages[-1].getRegParam() == model.bestModel.stages[-1].getRegParam()
    assert again.transform(test).select("probability").collect() == model.transform(test).select("probability").collect()

