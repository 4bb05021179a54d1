"""
Downhill from PySpark on Fashion-MNIST: pyspark's StandardScaler and a 784-256-10 network trained
with Adam, as one Pipeline on a local session; prints the epochs from the training summary and the
test accuracy, and saves the fitted PipelineModel (which loads in Java and Scala as well).

    .venv/bin/python python/examples/fashion_mnist.py [--rows N] [--epochs E] [--master M] [--out DIR]

The data is looked up where `scripts/downhill train` looks: $DOWNHILL_DATA, ../shared/data beside
the checkout, /usr/share/datasets (Debian: apt-get install dataset-fashion-mnist).
"""

import argparse
import gzip
import os
import time
from pathlib import Path
from typing import List, Tuple

import numpy as np
from pyspark.ml import Pipeline
from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.ml.feature import StandardScaler
from pyspark.ml.linalg import Vectors, VectorUDT
from pyspark.sql.types import DoubleType, StructField, StructType

import downhill

CHECKOUT = Path(__file__).resolve().parents[2]


def search_dirs() -> List[Path]:
    dirs = [Path(os.environ["DOWNHILL_DATA"])] if os.environ.get("DOWNHILL_DATA") else []
    return dirs + [CHECKOUT.parent / "shared" / "data", Path("/usr/share/datasets")]


def find() -> Path:
    """The fashion-mnist directory of IDX files; FileNotFoundError naming where it looked."""
    for d in search_dirs():
        if (d / "fashion-mnist").is_dir():
            return d / "fashion-mnist"
    raise FileNotFoundError("fashion-mnist not found at any of " + ", ".join(str(d / "fashion-mnist") for d in search_dirs())
                            + " (Debian: apt-get install dataset-fashion-mnist)")


def _read(path: Path) -> bytes:
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.exists():
            with (gzip.open if candidate.suffix == ".gz" else open)(candidate, "rb") as f:
                return f.read()
    raise FileNotFoundError(f"{path}[.gz]")


def load(directory: Path, split: str, rows: int) -> Tuple[np.ndarray, np.ndarray]:
    """The first ``rows`` images of ``split`` (train or t10k) as pixels / 255 (rows x 784), and their labels."""
    images = _read(directory / f"{split}-images-idx3-ubyte")
    labels = _read(directory / f"{split}-labels-idx1-ubyte")
    count, height, width = (int.from_bytes(images[i:i + 4], "big") for i in (4, 8, 12))
    rows = min(rows, count)
    x = np.frombuffer(images, dtype=np.uint8, count=rows * height * width, offset=16).reshape(rows, height * width)
    y = np.frombuffer(labels, dtype=np.uint8, count=rows, offset=8)
    return x.astype(np.float64) / 255.0, y.astype(np.float64)


def frame(spark, directory: Path, split: str, rows: int):  # type: ignore[no-untyped-def]
    """A DataFrame of label and pixels (a vector), in slices of 1000 rows: a task carries its slice."""
    x, y = load(directory, split, rows)
    schema = StructType([StructField("label", DoubleType(), False), StructField("pixels", VectorUDT(), False)])
    rows_ = [(float(label), Vectors.dense(row)) for row, label in zip(x, y)]
    return spark.createDataFrame(spark.sparkContext.parallelize(rows_, max(2, len(rows_) // 1000)), schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=60000, help="training rows (of 60000; default all)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--out", default="runs/python-fashion-mlp")
    args = parser.parse_args()

    spark = downhill.spark_session(master=args.master, conf={"spark.driver.memory": "3g",
                                                             "spark.ui.showConsoleProgress": "false"})
    spark.sparkContext.setLogLevel("ERROR")
    data = find()
    started = time.time()
    train = frame(spark, data, "train", args.rows).cache()
    test = frame(spark, data, "t10k", 10000).cache()
    print(f"data: {data}: {train.count()} training rows, {test.count()} test rows ({time.time() - started:.1f} s)")

    pipeline = Pipeline(stages=[
        StandardScaler(inputCol="pixels", outputCol="features", withMean=True, withStd=True),
        downhill.DownhillClassifier(modelType="mlp", hiddenLayers=[256], optimizer="adam", learningRate=0.001,
                                    epochs=args.epochs, batchSize=256, validationFraction=0.1, seed=42),
    ])
    started = time.time()
    model = pipeline.fit(train)
    seconds = time.time() - started
    summary = model.stages[-1].summary
    for epoch, (tr, val) in enumerate(zip(summary.accuracy("train"), summary.accuracy("validation")), start=1):
        print(f"epoch {epoch}/{summary.epochs}  train {tr:.4f}  validation {val:.4f}")
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(model.transform(test))
    print(f"test accuracy {accuracy:.4f} after {summary.epochs} epochs ({seconds:.1f} s to fit, {summary.totalIterations} steps)")
    model.write().overwrite().save(args.out)
    print(f"saved: {args.out} (pyspark.ml.PipelineModel.load, or org.apache.spark.ml.PipelineModel.load in Java)")
    spark.stop()


if __name__ == "__main__":
    main()
