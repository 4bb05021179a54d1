"""
Downhill from PySpark: data-parallel minibatch SGD of classifiers and regressors on Apache Spark,
as pyspark.ml estimators that wrap Downhill's JVM classes (as ``xgboost.spark`` or SynapseML do for
theirs).

    >>> import downhill
    >>> spark = downhill.spark_session()          # a session with Downhill's jar on spark.jars
    >>> clf = downhill.DownhillClassifier(modelType="mlp", hiddenLayers=[256], optimizer="adam")
    >>> reg = downhill.DownhillRegressor()        # least squares; modelType="mlp" for a network

The package carries Downhill's jar (:py:func:`jar_path`, for ``spark-submit --jars``) and needs the
pyspark of the Spark minor version the jar was built with: importing it with another one raises
ImportError saying which to install.
"""

from downhill._jar import built_versions, check_pyspark, jar_path, spark_session

check_pyspark()

from downhill.classification import (  # noqa: E402  (after the version check, which they need)
    DownhillClassificationModel,
    DownhillClassificationSummary,
    DownhillClassifier,
)
from downhill.regression import DownhillRegressionModel, DownhillRegressor  # noqa: E402
from downhill.summary import DownhillTrainingSummary  # noqa: E402

__version__: str = built_versions()["downhill"]
#: The Spark version Downhill's jar was built with.
SPARK_VERSION: str = built_versions()["spark"]

__all__ = [
    "DownhillClassifier",
    "DownhillClassificationModel",
    "DownhillClassificationSummary",
    "DownhillRegressor",
    "DownhillRegressionModel",
    "DownhillTrainingSummary",
    "SPARK_VERSION",
    "jar_path",
    "spark_session",
]
