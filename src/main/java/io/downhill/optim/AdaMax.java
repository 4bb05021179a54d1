package io.downhill.optim;

import io.downhill.model.ParameterLayout;

/**
 * AdaMax (Kingma &amp; Ba 2015, §7.1): Adam with the L2 norm of past gradients replaced by the
 * L∞ norm, an exponentially weighted maximum of |g| that needs no bias correction:
 * <pre>
 *   t ← t + 1
 *   m ← β₁·m + (1 - β₁)·g
 *   u ← max(β₂·u, |g| + ε)
 *   θ ← θ - η / (1 - β₁ᵗ) · m / u
 * </pre>
 * State: {@code m}, {@code u} (zero at the start) and the step count {@code t}. The ε inside the
 * maximum is PyTorch's guard against u = 0 (a parameter whose gradient has always been zero); the
 * paper has none. β₁ and β₂ are Adam's settings (the paper's defaults are Adam's, 0.9 and 0.999).
 * Suggested learning rate: 2e-3 (the paper's, PyTorch's and Keras's default).
 */
public final class AdaMax extends AdamFamily {

  public AdaMax(double beta1, double beta2, double eps) {
    super(beta1, beta2, eps);
  }

  @Override
  public String name() {
    return "adamax";
  }

  @Override
  public OptimizerState newState(ParameterLayout layout) {
    return new OptimizerState(layout, "m", "u");
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr) {
    long t = state.incrementSteps();                        // t ← t + 1
    double stepSize = lr / (1 - Math.pow(beta1, t));        // η / (1 - β₁ᵗ)
    double[] m = state.array("m");
    double[] u = state.array("u");
    for (int i = 0; i < theta.length; i++) {
      double g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;                // m ← β₁·m + (1 - β₁)·g
      u[i] = Math.max(beta2 * u[i], Math.abs(g) + eps);     // u ← max(β₂·u, |g| + ε)
      theta[i] -= stepSize * m[i] / u[i];                   // θ ← θ - η/(1 - β₁ᵗ)·m/u
    }
  }
}
