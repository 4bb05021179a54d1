"""
Downhill's classifier as a pyspark.ml estimator: :py:class:`DownhillClassifier` and its fitted
:py:class:`DownhillClassificationModel`, wrappers of ``io.downhill.ml.DownhillClassifier`` and
``io.downhill.ml.DownhillClassificationModel`` like pyspark's own ``LogisticRegression``: a
Pipeline stage, tuned by ``CrossValidator`` and ``TrainValidationSplit``, saved and loaded in
Spark ML's format (a model saved here loads in Java and Scala, and the other way round).

Their Params are generated from the Java classes' (``downhill/_params.py``), so they have the Java
names, docs, defaults and validation: a bad value raises ValueError with the JVM's message when it
is set.
"""

from typing import List

from pyspark.ml.classification import (
    _JavaProbabilisticClassificationModel,
    _JavaProbabilisticClassifier,
)
from pyspark.ml.linalg import Vector
from pyspark.ml.util import JavaMLWritable
from pyspark.ml.wrapper import JavaWrapper
from pyspark.sql import DataFrame

from downhill._params import _DownhillClassifierParams, _DownhillClassifierSetters
from downhill._wrapper import _DownhillModel, _DownhillReadable


class DownhillClassifier(
    _DownhillClassifierSetters,
    _JavaProbabilisticClassifier["DownhillClassificationModel"],
    _DownhillClassifierParams,
    JavaMLWritable,
    _DownhillReadable,
):
    """
    Downhill as a pyspark.ml ``Estimator``: data-parallel minibatch SGD of a linear classifier
    (softmax, multiclass SVM, logistic) or a fully connected network (``modelType="mlp"``) on a
    vector features column and a label column of class indices 0..k-1 (a ``StringIndexer``'s
    output). ``fit`` trains exactly as ``downhill train`` does and returns a
    :py:class:`DownhillClassificationModel`.

    Every Param is the command line's training setting of the same meaning (``learningRate`` is
    ``--lr``; see docs/CONFIGURATION.md and ``explainParams()``), checked by the JVM when set.

    Examples
    --------
    >>> import downhill
    >>> from pyspark.ml.linalg import Vectors
    >>> spark = downhill.spark_session(master="local[2]")
    >>> df = spark.createDataFrame(
    ...     [(float(i % 2), Vectors.dense([i % 2 + 0.1 * (i % 5), 1.0 - i % 2])) for i in range(40)],
    ...     ["label", "features"])
    >>> clf = downhill.DownhillClassifier(modelType="mlp", hiddenLayers=[8], optimizer="ADAM",
    ...                                   learningRate=0.05, epochs=20, batchSize=8, seed=3)
    >>> clf.getOptimizer()
    'adam'
    >>> model = clf.fit(df)
    >>> model.summary.epochs
    20
    >>> model.transform(df).select("prediction").distinct().count()
    2
    >>> clf.setLearningRate(-1.0)
    Traceback (most recent call last):
        ...
    ValueError: DownhillClassifier parameter learningRate: invalid value -1.0; allowed: a finite number > 0, or auto (0)
    """

    _java_class_name = "io.downhill.ml.DownhillClassifier"

    def _create_model(self, java_model: object) -> "DownhillClassificationModel":
        return DownhillClassificationModel(java_model)


class DownhillClassificationModel(
    _DownhillModel,
    _JavaProbabilisticClassificationModel[Vector],
    _DownhillClassifierParams,
    JavaMLWritable,
    _DownhillReadable,
):
    """
    A fitted Downhill classifier: ``transform`` adds ``rawPrediction`` (the scores f(x), one per
    class; ``[0, m]`` for a logistic model, m its margin), ``probability`` (softmax of the scores)
    and ``prediction`` (the class index). It has the estimator's Params at the values it was fitted
    with (also after loading), its :py:attr:`summary`, and :py:meth:`evaluate` for metrics on any
    data.
    """

    _java_class_name = "io.downhill.ml.DownhillClassificationModel"

    def evaluate(self, dataset: DataFrame) -> "DownhillClassificationSummary":
        """
        The model on ``dataset`` (a features column of its width and a label column of class
        indices, named by its Params): the predictions, accuracy and Spark's multiclass metrics.
        """
        if not isinstance(dataset, DataFrame):
            raise TypeError(f"dataset must be a DataFrame but got {type(dataset)}.")
        return DownhillClassificationSummary(self._call_java("evaluate", dataset))

    @property
    def classNames(self) -> List[str]:
        """A name per class index (the label column's metadata, e.g. a StringIndexer's, else "0".."k-1")."""
        return [str(name) for name in self._java_obj.classNames()]



class DownhillClassificationSummary(JavaWrapper):
    """
    A fitted model on a dataset (:py:meth:`DownhillClassificationModel.evaluate`): the predictions
    and the multiclass metrics of Spark's classifiers' summaries, computed by Spark's
    ``MulticlassMetrics``. The weighted metrics average over the classes weighted by their share
    of the rows; the per-label ones follow :py:attr:`labels`.
    """

    @property
    def predictions(self) -> DataFrame:
        """The dataset with the model's output columns added."""
        return self._call_java("predictions")

    @property
    def predictionCol(self) -> str:
        """The column of predicted class indices."""
        return self._call_java("predictionCol")

    @property
    def labelCol(self) -> str:
        """The column of true class indices."""
        return self._call_java("labelCol")

    @property
    def accuracy(self) -> float:
        """The share of rows predicted right."""
        return self._call_java("accuracy")

    @property
    def labels(self) -> List[float]:
        """The class indices that occur as labels or predictions, in increasing order."""
        return list(self._call_java("labels"))

    @property
    def weightedPrecision(self) -> float:
        return self._call_java("weightedPrecision")

    @property
    def weightedRecall(self) -> float:
        return self._call_java("weightedRecall")

    @property
    def weightedFMeasure(self) -> float:
        """F1, weighted."""
        return self._call_java("weightedFMeasure")

    @property
    def precisionByLabel(self) -> List[float]:
        return list(self._call_java("precisionByLabel"))

    @property
    def recallByLabel(self) -> List[float]:
        return list(self._call_java("recallByLabel"))

    @property
    def fMeasureByLabel(self) -> List[float]:
        """F1 per class."""
        return list(self._call_java("fMeasureByLabel"))
