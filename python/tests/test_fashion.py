"""
Real data: DownhillClassifier on Fashion-MNIST from a DataFrame built in Python, with an accuracy
floor; and the README's Python example, run small.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import ROOT, python_env
from pyspark.ml.evaluation import MulticlassClassificationEvaluator

from downhill import DownhillClassifier

EXAMPLE = ROOT / "python" / "examples" / "fashion_mnist.py"
sys.path.insert(0, str(EXAMPLE.parent))

from fashion_mnist import find, frame  # noqa: E402  (the example's reader: the data the README's example reads)


def test_softmax_on_fashion_mnist_passes_its_accuracy_floor(spark: Any) -> None:
    data = find()
    train = frame(spark, data, "train", 12000).withColumnRenamed("pixels", "features").repartition(2).cache()
    test = frame(spark, data, "t10k", 2000).withColumnRenamed("pixels", "features").cache()
    model = DownhillClassifier(optimizer="momentum", learningRate=0.05, epochs=3, batchSize=128, seed=1,
                               numPartitions=2).fit(train)
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(model.transform(test))
    print(f"fashion-mnist softmax, 12000 training rows, 3 epochs: test accuracy {accuracy:.4f}")
    assert accuracy > 0.78, accuracy
    assert model.summary.accuracy("train")[-1] > 0.8
    assert model.numClasses == 10 and model.numFeatures == 784


def test_the_readmes_python_example_runs(tmp_path: Path) -> None:
    out = tmp_path / "model"
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), "--rows", "3000", "--epochs", "2", "--master", "local[2]", "--out", str(out)],
        capture_output=True, text=True, env=python_env(), timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    lines = run.stdout.splitlines()
    assert lines[0].startswith("data: ") and "3000 training rows, 10000 test rows" in lines[0], run.stdout
    assert lines[1].startswith("epoch 1/2  train ") and lines[2].startswith("epoch 2/2  train "), run.stdout
    accuracy = float(next(line for line in lines if line.startswith("test accuracy")).split()[2])
    assert accuracy > 0.7, run.stdout
    assert (out / "stages").is_dir(), run.stdout
