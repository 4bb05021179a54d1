"""The whole workflow in a process where pandas and pyarrow cannot be imported: pandas is optional."""

import subprocess
import sys
from pathlib import Path

from conftest import python_env

SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from nopandas import block
block()
import downhill
from blobs import frame
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.feature import StringIndexer, VectorAssembler
spark = downhill.spark_session(master="local[1]", conf={{"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false"}})
raw = frame(spark, rows=300, seed=41)
fitted = Pipeline(stages=[
    StringIndexer(inputCol="kind", outputCol="label"),
    VectorAssembler(inputCols=["c%d" % i for i in range(6)], outputCol="features"),
    downhill.DownhillClassifier(epochs=3, batchSize=32, seed=2)]).fit(raw)
fitted.write().overwrite().save({path!r})
again = PipelineModel.load({path!r})
rows = again.transform(raw).select("prediction", "probability").collect()
model = again.stages[-1]
print("rows", len(rows), "epochs", model.summary.epochs, "accuracy", model.summary.accuracy("train")[-1])
try:
    import pandas
except ImportError:
    print("pandas unimportable")
print("pandas imported:", "pandas" in sys.modules)
spark.stop()
"""


def test_fit_save_load_and_predict_without_pandas(tmp_path: Path) -> None:
    tests = str(Path(__file__).resolve().parent)
    code = SCRIPT.format(tests=tests, path=str(tmp_path / "model"))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=python_env(), timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    lines = run.stdout.splitlines()
    assert "pandas unimportable" in lines and "pandas imported: False" in lines, run.stdout
    stats = next(line for line in lines if line.startswith("rows")).split()
    assert stats[1] == "300" and stats[3] == "3" and float(stats[5]) > 0.9, run.stdout
