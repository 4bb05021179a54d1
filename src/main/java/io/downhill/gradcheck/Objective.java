package io.downhill.gradcheck;

/** A scalar function of {@code p} parameters with an analytic gradient. */
public interface Objective {

  /** p. */
  int dimension();

  /** f(θ). */
  double value(double[] theta);

  /** Returns f(θ) and overwrites {@code grad} with ∇f(θ). */
  double valueAndGradient(double[] theta, double[] grad);

  /**
   * Identifies the smooth piece of f that θ lies on (0 for smooth functions). Two probes with
   * different pieces straddle a kink.
   */
  default long piece(double[] theta) {
    return 0L;
  }

  /**
   * Whether coordinate {@code i} is a trained parameter. Non-trained state kept in θ (a
   * normalization's running statistics) has a gradient of 0 by definition and is not checked.
   */
  default boolean trained(int i) {
    return true;
  }

  /** A readable name for coordinate {@code i}, e.g. "W[3,7]". */
  default String describe(int i) {
    return "θ[" + i + "]";
  }
}
