package io.downhill.optim;

/**
 * AdaGrad: per-parameter rates that shrink with the sum of all squared gradients so far.
 * <pre>
 *   G ← G + g²
 *   θ ← θ - η · g / (√G + ε)
 * </pre>
 * State: {@code G}, zero at the start. {@code ε} is {@code --eps}.
 */
public final class AdaGrad implements Optimizer {
  private final double eps;
  private final double[] g2;

  public AdaGrad(int parameters, double eps) {
    this.eps = eps;
    this.g2 = new double[parameters];
  }

  @Override
  public String name() {
    return "adagrad";
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, double lr) {
    for (int i = 0; i < theta.length; i++) {
      double g = grad[i];
      g2[i] += g * g;                                  // G ← G + g²
      theta[i] -= lr * g / (Math.sqrt(g2[i]) + eps);   // θ ← θ - η·g / (√G + ε)
    }
  }

  @Override
  public java.util.Map<String, double[]> state() {
    return java.util.Map.of("g2", g2);
  }
}
