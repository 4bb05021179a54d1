package io.downhill.train;

import io.downhill.data.BlockBuilder;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small in-memory datasets for training tests. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * {@code rows} rows of {@code d} features in {@code k} Gaussian clusters (centres seeded),
   * split over {@code partitions} shards of blocks of {@code blockRows} rows.
   */
  public static List<Shard> clusters(int rows, int d, int k, int partitions, int blockRows, Precision precision, long seed) {
    SplittableRandom centres = new SplittableRandom(seed);
    double[][] mu = new double[k][d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        mu[c][j] = centres.nextDouble() * 4 - 2;
      }
    }
    List<Shard> shards = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(seed + 1);
    for (int p = 0; p < partitions; p++) {
      BlockBuilder b = new BlockBuilder(precision, d, blockRows, false);
      int from = rows * p / partitions;
      int to = rows * (p + 1) / partitions;
      for (int i = from; i < to; i++) {
        int label = rng.nextInt(k);
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
          x[j] = mu[label][j] + rng.nextDouble() - 0.5;
        }
        b.addDense(x, label, 1.0);
      }
      shards.add(b.build());
    }
    return shards;
  }
}
