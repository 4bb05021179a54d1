"""
The Python package's tests, against the real pyspark and the installed wheel (scripts/python-tests
builds and installs it first; `mvn verify` runs them after package). One local SparkSession,
local[2], for the whole run, made the way a user makes it: downhill.spark_session().
"""

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # blobs.py, for the tests and cluster_job.py

#: The checkout: python/tests/../..
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def spark() -> Iterator["object"]:
    import downhill

    session = downhill.spark_session(
        master="local[2]",
        app_name="downhill-python-tests",
        conf={
            "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": "2", "spark.driver.host": "127.0.0.1",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture()
def jvm(spark: "object") -> "object":
    """The JVM of the session, for driving Downhill's Java classes directly (py4j)."""
    return spark.sparkContext._jvm  # type: ignore[attr-defined]


def python_env() -> dict:
    """The environment of a child Python process: this interpreter's, OpenBLAS single-threaded."""
    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.pop("SPARK_HOME", None)  # pyspark's own Spark, never another one
    return env
