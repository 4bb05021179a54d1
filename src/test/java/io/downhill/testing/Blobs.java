package io.downhill.testing;

import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import java.util.List;
import java.util.SplittableRandom;

/** Gaussian classes in d features, one dense block: class c lifts the features j with j mod k = c. */
public final class Blobs {
  private Blobs() {}

  /**
   * n rows of k classes: standard normal features plus {@code shift} on the features of the row's class.
   *
   * @param drawn labels drawn at random (seeded), else the classes in turn (row i is class i mod k)
   */
  public static Shard shard(int n, int d, int k, long seed, double shift, boolean drawn) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = drawn ? rng.nextInt(k) : i % k;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = rng.nextGaussian() + (j % k == y[i] ? shift : 0);
      }
    }
    return new Shard(List.of(new Block(n, d, Buf.wrap(x), y, null)), n, d);
  }
}
