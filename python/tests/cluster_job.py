"""
A PySpark application as a user submits it: trains DownhillClassifier on the blobs (with pandas
unimportable), saves the model and writes what it saw to OUT/result.json. test_cluster.py submits it
with pyspark's own bin/spark-submit to the standalone cluster of scripts/cluster:

    spark-submit --master spark://127.0.0.1:7277 --jars $(python -m downhill jar) cluster_job.py OUT
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nopandas import block  # noqa: E402

block()

from blobs import CLUSTER_SETTINGS, frame  # noqa: E402
from pyspark.ml.feature import StringIndexer, VectorAssembler  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402

from downhill import DownhillClassifier  # noqa: E402


def main(out: Path) -> None:
    spark = SparkSession.builder.appName("downhill-python-cluster-job").getOrCreate()
    raw = frame(spark, rows=600, seed=31)
    data = StringIndexer(inputCol="kind", outputCol="label").fit(raw).transform(raw)
    data = VectorAssembler(inputCols=[f"c{i}" for i in range(6)], outputCol="features").transform(data)
    model = DownhillClassifier(**CLUSTER_SETTINGS).fit(data)
    model.write().overwrite().save(str(out / "model"))
    executors = spark.sparkContext._jsc.sc().statusTracker().getExecutorInfos()
    result = {
        "master": spark.sparkContext.master,
        "executors": len(executors) - 1,  # the driver is listed too
        "sync": model.summary.get("sync"),
        "train_accuracy": model.summary.accuracy("train")[-1],
        "pandas_imported": "pandas" in sys.modules,
    }
    (out / "result.json").write_text(json.dumps(result))
    spark.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
