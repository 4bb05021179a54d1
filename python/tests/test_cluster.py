"""
spark-submit of a Python script with pyspark's own bin/spark-submit to a real standalone cluster
(scripts/cluster: a Master and two Workers, each its own JVM, on other ports than ClusterIT's): the
job finds Downhill through --jars, trains with both executors' tasks at once (collective steps over
two single-core executors), without pandas, and its model equals a local[2] fit of the same data.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator

import pyspark
import pytest
from blobs import CLUSTER_SETTINGS, frame
from conftest import ROOT, python_env
from pyspark.ml.feature import StringIndexer, VectorAssembler

import downhill
from downhill import DownhillClassificationModel, DownhillClassifier

PORT, MASTER_UI, WORKER_UI = 7277, 8280, 8281
WORK = ROOT / "target" / "python-cluster"
MASTER = f"spark://127.0.0.1:{PORT}"


def cluster_env() -> Dict[str, str]:
    env = python_env()
    env.update(
        DOWNHILL_CLUSTER_DIR=str(WORK / "cluster"), DOWNHILL_MASTER_PORT=str(PORT),
        DOWNHILL_MASTER_UI_PORT=str(MASTER_UI), DOWNHILL_WORKER_UI_PORT=str(WORKER_UI), DOWNHILL_WORKER_MEMORY="1g",
    )
    return env


def cluster(command: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / "cluster"), command], env=cluster_env(), capture_output=True,
                          text=True, timeout=240)


@pytest.fixture(scope="module")
def master() -> Iterator[str]:
    WORK.mkdir(parents=True, exist_ok=True)
    started = cluster("start")
    try:
        assert started.returncode == 0, f"scripts/cluster start failed:\n{started.stdout}\n{started.stderr}"
        yield MASTER
    finally:
        cluster("stop")


@pytest.mark.slow
def test_spark_submit_of_a_python_script_to_the_standalone_cluster(spark: Any, master: str, tmp_path: Path) -> None:
    out = tmp_path / "job"
    out.mkdir()
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    env = python_env()
    env.update(PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1",
               PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""))
    conf = {
        "spark.executor.memory": "512m", "spark.driver.host": "127.0.0.1", "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false", "spark.scheduler.minRegisteredResourcesRatio": "1.0",
        "spark.executorEnv.OPENBLAS_NUM_THREADS": "1",
    }
    command = [str(submit), "--master", master, "--deploy-mode", "client", "--jars", downhill.jar_path()]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    command += [str(Path(__file__).resolve().parent / "cluster_job.py"), str(out)]
    log = WORK / "spark-submit.log"
    with open(log, "w") as f:
        run = subprocess.run(command, env=env, stdout=f, stderr=subprocess.STDOUT, timeout=600)
    assert run.returncode == 0, f"spark-submit exited {run.returncode}:\n{log.read_text()[-6000:]}"

    result = json.loads((out / "result.json").read_text())
    assert result["master"] == master and result["executors"] == 2, result
    assert result["sync"].startswith("collective"), result
    assert not result["pandas_imported"]
    assert result["train_accuracy"] > 0.9, result

    on_cluster = DownhillClassificationModel.load(str(out / "model"))
    raw = frame(spark, rows=600, seed=31)
    data = StringIndexer(inputCol="kind", outputCol="label").fit(raw).transform(raw)
    data = VectorAssembler(inputCols=[f"c{i}" for i in range(6)], outputCol="features").transform(data)
    local = DownhillClassifier(**CLUSTER_SETTINGS).fit(data)
    diff = max(abs(a - b) for a, b in zip(on_cluster.weights, local.weights))
    print(f"cluster job: {result}; max |θ_cluster - θ_local| = {diff:.3g}")
    assert len(on_cluster.weights) == len(local.weights) and diff <= 1e-6, diff
