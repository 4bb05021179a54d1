"""Seeded Gaussian blobs with string labels, the same on every run and in every process."""

import random
from typing import List, Tuple

CLASSES = ("setosa", "versicolor", "virginica")
COLUMNS = ["id", "kind"] + [f"c{i}" for i in range(6)]


def blobs(rows: int = 600, seed: int = 11, spread: float = 1.0) -> List[Tuple]:
    """``rows`` rows (id, kind, c0..c5): class c's centre has 3 at c and c + 3, 0 elsewhere."""
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        c = i % len(CLASSES)
        x = [rng.gauss(3.0 if j in (c, c + 3) else 0.0, spread) for j in range(6)]
        out.append((i, CLASSES[c], *x))
    return out


def frame(spark, rows: int = 600, seed: int = 11, spread: float = 1.0):  # type: ignore[no-untyped-def]
    """The blobs as a DataFrame with columns id, kind, c0..c5."""
    return spark.createDataFrame(blobs(rows, seed, spread), COLUMNS)


#: The fit of the spark-submit job (cluster_job.py) and of its local twin (test_cluster.py): two
#: partitions over the two single-core executors, collective steps (both executors' tasks at once).
CLUSTER_SETTINGS = dict(modelType="mlp", hiddenLayers=[16], optimizer="adam", learningRate=0.01, epochs=3,
                        batchSize=64, numPartitions=2, seed=13, sync="collective")
