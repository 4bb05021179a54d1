package io.downhill.model;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How weights start (biases always start at zero).
 *
 * <ul>
 *   <li>{@link Kind#GAUSSIAN}: {@code W ~ scale · N(0, 1)}, the lecture's small random numbers
 *       ({@code 0.01 · randn}); fine for linear models, too small for deep ReLU networks.
 * </ul>
 */
public record Initializer(Kind kind, double scale) {

  public enum Kind { GAUSSIAN }

  public Initializer {
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("init scale must be a finite number >= 0, found " + scale);
    }
  }

  public static Initializer gaussian(double scale) {
    return new Initializer(Kind.GAUSSIAN, scale);
  }

  public static Initializer parse(String name, double scale) {
    if (name.toLowerCase(Locale.ROOT).equals("gaussian")) {
      return gaussian(scale);
    }
    throw new IllegalArgumentException("unknown initializer '" + name + "'; expected gaussian");
  }

  /** Fills {@code params} for {@code layout}: weights random (seeded), biases zero. */
  public void initialize(ParameterLayout layout, double[] params, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (ParameterLayout.Slice s : layout.slices()) {
      for (int i = s.offset(); i < s.end(); i++) {
        params[i] = s.regularized() ? scale * gaussian(rng) : 0.0;
      }
    }
  }

  static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + "(" + scale + ")";
  }
}
