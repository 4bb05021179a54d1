package io.downhill.optim;

import io.downhill.linalg.Numbers;
import io.downhill.model.ParameterLayout;

/**
 * AdaGrad: per-parameter rates that shrink with the sum of all squared gradients so far.
 * <pre>
 *   G ← G + g²
 *   θ ← θ - η · g / (√G + ε)
 * </pre>
 * State: {@code G} (named {@code g2}), zero at the start. {@code ε} is {@code --eps}.
 */
public final class AdaGrad implements Optimizer {
  private final double eps;

  public AdaGrad(double eps) {
    this.eps = eps;
  }

  @Override
  public String name() {
    return "adagrad";
  }

  @Override
  public String describe() {
    return name() + " (ε " + Numbers.compact(eps) + ")";
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
      g2[i] += g * g;                                  // G ← G + g²
      theta[i] -= lr * g / (Math.sqrt(g2[i]) + eps);   // θ ← θ - η·g / (√G + ε)
    }
  }
}
