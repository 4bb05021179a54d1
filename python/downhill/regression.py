"""
Downhill's regressor as a pyspark.ml estimator: :py:class:`DownhillRegressor` and its fitted
:py:class:`DownhillRegressionModel`, wrappers of ``io.downhill.ml.DownhillRegressor`` and
``io.downhill.ml.DownhillRegressionModel`` like pyspark's own ``LinearRegression``: a Pipeline
stage, tuned by ``CrossValidator`` and ``TrainValidationSplit`` with a ``RegressionEvaluator``,
saved and loaded in Spark ML's format (a model saved here loads in Java and Scala, and the other
way round).

Their Params are generated from the Java classes' (``downhill/_params.py``): the classifier's
training settings with the regressor's defaults (``modelType`` and ``loss`` squared), checked by the
JVM when they are set.
"""

from pyspark.ml.linalg import Vector
from pyspark.ml.regression import _JavaRegressionModel, _JavaRegressor
from pyspark.ml.util import JavaMLWritable

from downhill._params import _DownhillRegressorParams, _DownhillRegressorSetters
from downhill._wrapper import _DownhillModel, _DownhillReadable


class DownhillRegressor(
    _DownhillRegressorSetters,
    _JavaRegressor["DownhillRegressionModel"],
    _DownhillRegressorParams,
    JavaMLWritable,
    _DownhillReadable,
):
    """
    Downhill as a pyspark.ml regression ``Estimator``: data-parallel minibatch SGD on the squared
    loss ``½ (f(x) - y)²`` over a vector features column and a numeric label column of real values.
    ``f`` is linear (``modelType="squared"``, the default: least squares) or a fully connected
    network with one output (``modelType="mlp"``, ``hiddenLayers``, ``activation``, ...). ``fit``
    trains exactly as ``downhill train --loss squared`` does and returns a
    :py:class:`DownhillRegressionModel`.

    Every Param is the command line's training setting of the same meaning (see
    docs/CONFIGURATION.md and ``explainParams()``), checked by the JVM when set; a classifier's
    model type or loss is refused at ``fit``, and early stopping takes ``val_loss`` or ``val_rmse``.

    Examples
    --------
    >>> import downhill
    >>> from pyspark.ml.linalg import Vectors
    >>> spark = downhill.spark_session(master="local[2]")
    >>> df = spark.createDataFrame(
    ...     [(2.0 * (i % 7) - 0.5 * (i % 3) + 1.0, Vectors.dense([i % 7, i % 3])) for i in range(60)],
    ...     ["label", "features"])
    >>> reg = downhill.DownhillRegressor(learningRate=0.02, schedule="constant", epochs=30,
    ...                                  batchSize=8, seed=3)
    >>> reg.getModelType()
    'squared'
    >>> model = reg.fit(df)
    >>> model.summary.r2("train")[-1] > 0.99
    True
    >>> reg.setLearningRate(-1.0)
    Traceback (most recent call last):
        ...
    ValueError: DownhillRegressor parameter learningRate: invalid value -1.0; allowed: a finite number > 0, or auto (0)
    """

    _java_class_name = "io.downhill.ml.DownhillRegressor"

    def _create_model(self, java_model: object) -> "DownhillRegressionModel":
        return DownhillRegressionModel(java_model)


class DownhillRegressionModel(
    _DownhillModel,
    _JavaRegressionModel[Vector],
    _DownhillRegressorParams,
    JavaMLWritable,
    _DownhillReadable,
):
    """
    A fitted Downhill regressor: ``transform`` adds ``prediction``, a double, the model's one output
    ``f(x)``. It has the estimator's Params at the values it was fitted with (also after loading)
    and its :py:attr:`summary` (per-epoch loss, RMSE, MAE and R² per split); metrics on other data
    come from pyspark's ``RegressionEvaluator`` on the transformed frame.
    """

    _java_class_name = "io.downhill.ml.DownhillRegressionModel"
