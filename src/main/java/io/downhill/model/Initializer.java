package io.downhill.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How weights start; the other slices start where their role says ({@link ParameterLayout.Start}:
 * biases and shifts at 0, scales at 1, state by its layer). For a weight matrix with
 * {@code fan_in} inputs:
 * <pre>
 *   gaussian   W ~ scale · N(0, 1)            the lecture's small random numbers (0.01·randn)
 *   xavier     W ~ N(0, 1) / √fan_in          keeps activation variance through tanh layers
 *   he         W ~ N(0, 1) / √(fan_in / 2)    the same for ReLU, which zeroes half the inputs
 * </pre>
 * Small Gaussian numbers are fine for a linear model; in a deep ReLU network they make the
 * activations (and gradients) shrink layer after layer, which He initialization avoids.
 */
public record Initializer(Kind kind, double scale) {

  public enum Kind { GAUSSIAN, XAVIER, HE }

  public Initializer {
    if (!(scale >= 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("init scale must be a finite number >= 0, found " + scale);
    }
  }

  public static Initializer gaussian(double scale) {
    return new Initializer(Kind.GAUSSIAN, scale);
  }

  public static Initializer he() {
    return new Initializer(Kind.HE, 1.0);
  }

  public static Initializer xavier() {
    return new Initializer(Kind.XAVIER, 1.0);
  }

  /** {@code gaussian} (with {@code scale}), {@code xavier} or {@code he}. */
  public static Initializer parse(String name, double scale) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "gaussian", "normal" -> gaussian(scale);
      case "xavier", "glorot" -> xavier();
      case "he", "kaiming" -> he();
      default -> throw new IllegalArgumentException("unknown initializer '" + name + "'; expected gaussian, xavier or he");
    };
  }

  /**
   * Fills {@code theta} for {@code layout}: weights random (seeded), biases and shifts zero,
   * scales one. STATE slices are left to their layers ({@link Model#initializeInPlace}).
   */
  public void initialize(ParameterLayout layout, double[] theta, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (ParameterLayout.Slice s : layout.slices()) {
      switch (s.role().start()) {
        case RANDOM -> {
          double std = switch (kind) {
            case GAUSSIAN -> scale;
            case XAVIER -> 1.0 / Math.sqrt(s.rows());
            case HE -> Math.sqrt(2.0 / s.rows());
          };
          for (int i = s.offset(); i < s.end(); i++) {
            theta[i] = std * gaussian(rng);
          }
        }
        case ZERO -> Arrays.fill(theta, s.offset(), s.end(), 0.0);
        case ONE -> Arrays.fill(theta, s.offset(), s.end(), 1.0);
        case BY_LAYER -> { }
      }
    }
  }

  /**
   * Biases (and shifts) uniform in [-0.1, 0.1), scales in [0.9, 1.1) (seeded); weights and state
   * untouched: a point away from the symmetric start, where a gradient check also exercises the
   * gradients of these slices.
   */
  public static void randomizeBiases(ParameterLayout layout, double[] theta, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (ParameterLayout.Slice s : layout.slices()) {
      ParameterLayout.Start start = s.role().start();
      if (start == ParameterLayout.Start.ZERO || start == ParameterLayout.Start.ONE) {
        double base = start == ParameterLayout.Start.ONE ? 1.0 : 0.0;
        for (int i = s.offset(); i < s.end(); i++) {
          theta[i] = base + 0.2 * (rng.nextDouble() - 0.5);
        }
      }
    }
  }

  static double gaussian(SplittableRandom rng) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public String toString() {
    return kind == Kind.GAUSSIAN ? "gaussian(" + scale + ")" : kind.name().toLowerCase(Locale.ROOT);
  }
}
