package io.downhill.optim;

/**
 * RMSProp: AdaGrad with a leaky (exponentially decaying) sum of squared gradients.
 * <pre>
 *   G ← ρ·G + (1 - ρ)·g²
 *   θ ← θ - η · g / (√G + ε)
 * </pre>
 * State: {@code G}, zero at the start. {@code ρ} is {@code --rho} (0.99), {@code ε} is {@code --eps}.
 */
public final class RmsProp implements Optimizer {
  private final double rho;
  private final double eps;
  private final double[] g2;

  public RmsProp(int parameters, double rho, double eps) {
    this.rho = rho;
    this.eps = eps;
    this.g2 = new double[parameters];
  }

  @Override
  public String name() {
    return "rmsprop";
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, double lr) {
    for (int i = 0; i < theta.length; i++) {
      double g = grad[i];
      g2[i] = rho * g2[i] + (1 - rho) * g * g;         // G ← ρ·G + (1 - ρ)·g²
      theta[i] -= lr * g / (Math.sqrt(g2[i]) + eps);   // θ ← θ - η·g / (√G + ε)
    }
  }

  @Override
  public java.util.Map<String, double[]> state() {
    return java.util.Map.of("g2", g2);
  }
}
