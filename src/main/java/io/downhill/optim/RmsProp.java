package io.downhill.optim;

import io.downhill.linalg.Numbers;
import io.downhill.model.ParameterLayout;

/**
 * RMSProp: AdaGrad with a leaky (exponentially decaying) sum of squared gradients.
 * <pre>
 *   G ← ρ·G + (1 - ρ)·g²
 *   θ ← θ - η · g / (√G + ε)
 * </pre>
 * State: {@code G} (named {@code g2}), zero at the start. {@code ρ} is {@code --rho} (0.99),
 * {@code ε} is {@code --eps}.
 */
public final class RmsProp implements Optimizer {
  private final double rho;
  private final double eps;

  public RmsProp(double rho, double eps) {
    this.rho = rho;
    this.eps = eps;
  }

  @Override
  public String name() {
    return "rmsprop";
  }

  @Override
  public String describe() {
    return name() + " (ρ " + Numbers.compact(rho) + ", ε " + Numbers.compact(eps) + ")";
  }

  @Override
  public OptimizerState newState(ParameterLayout layout) {
    return new OptimizerState(layout, "g2");
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr) {
    double[] g2 = state.array("g2");
    for (int i = 0; i < theta.length; i++) {
      double g = grad[i];
      g2[i] = rho * g2[i] + (1 - rho) * g * g;         // G ← ρ·G + (1 - ρ)·g²
      theta[i] -= lr * g / (Math.sqrt(g2[i]) + eps);   // θ ← θ - η·g / (√G + ε)
    }
  }
}
