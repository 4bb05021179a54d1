package io.downhill.data;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The built-in generated dataset, used when no real data is found: 28x28 grey images of 10
 * classes. Each class is a fixed pattern of three Gaussian blobs; an example is its class
 * pattern shifted by up to 2 pixels, scaled in contrast and overlaid with noise, clipped to
 * [0, 1]. Row {@code i} is a pure function of {@code (seed, i)}, so any Spark task can generate
 * its own rows (no data is shipped from the driver).
 */
public final class Synthetic implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int SIDE = 28;
  public static final int FEATURES = SIDE * SIDE;
  public static final int CLASSES = 10;
  public static final int TRAIN_ROWS = 12_000;
  public static final int TEST_ROWS = 2_000;
  /** Test rows are numbered from here, so they never coincide with training rows. */
  public static final long TEST_OFFSET = 1L << 40;

  private final long seed;
  private final double[][] patterns;

  public Synthetic(long seed) {
    this.seed = seed;
    this.patterns = new double[CLASSES][FEATURES];
    for (int c = 0; c < CLASSES; c++) {
      SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + c);
      for (int blob = 0; blob < 3; blob++) {
        double cy = 5 + rng.nextDouble() * 18;
        double cx = 5 + rng.nextDouble() * 18;
        double sigma = 2.0 + rng.nextDouble() * 2.5;
        double amplitude = 0.6 + rng.nextDouble() * 0.4;
        for (int y = 0; y < SIDE; y++) {
          for (int x = 0; x < SIDE; x++) {
            double r2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
            patterns[c][y * SIDE + x] += amplitude * Math.exp(-r2 / (2 * sigma * sigma));
          }
        }
      }
    }
  }

  /** Writes row {@code index}'s pixels into {@code out} (length 784) and returns its label. */
  public int row(long index, double[] out) {
    SplittableRandom rng = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
    int label = rng.nextInt(CLASSES);
    int dy = rng.nextInt(5) - 2;
    int dx = rng.nextInt(5) - 2;
    double contrast = 0.5 + 0.5 * rng.nextDouble();
    double[] pattern = patterns[label];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        int sy = y - dy;
        int sx = x - dx;
        double base = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE ? pattern[sy * SIDE + sx] : 0.0;
        double v = contrast * base + 0.25 * gaussian(rng);
        out[y * SIDE + x] = Math.min(1.0, Math.max(0.0, v));
      }
    }
    return label;
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
