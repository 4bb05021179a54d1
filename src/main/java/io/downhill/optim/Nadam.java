package io.downhill.optim;

import io.downhill.model.ParameterLayout;

/**
 * Nadam (Dozat 2016): Adam whose momentum is Nesterov's, looking one step ahead. The moments are
 * Adam's; the step uses the next step's bias-corrected momentum plus the current gradient's share:
 * <pre>
 *   t ← t + 1
 *   m ← β₁·m + (1 - β₁)·g
 *   v ← β₂·v + (1 - β₂)·g²
 *   m̂ = β₁·m / (1 - β₁ᵗ⁺¹)  +  (1 - β₁)·g / (1 - β₁ᵗ)
 *   v̂ = v / (1 - β₂ᵗ)
 *   θ ← θ - η · m̂ / (√v̂ + ε)
 * </pre>
 * State: {@code m}, {@code v} (zero at the start) and the step count {@code t}. The paper's
 * momentum schedule μ_t is held at β₁ (as Keras and Optax do by default), so β₁, β₂ and ε mean
 * what they mean for Adam.
 */
public final class Nadam extends AdamFamily {

  public Nadam(double beta1, double beta2, double eps) {
    super(beta1, beta2, eps);
  }

  @Override
  public String name() {
    return "nadam";
  }

  @Override
  public OptimizerState newState(ParameterLayout layout) {
    return new OptimizerState(layout, "m", "v");
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr) {
    long t = state.incrementSteps();                        // t ← t + 1
    double c1 = 1 - Math.pow(beta1, t);
    double c1Next = 1 - Math.pow(beta1, t + 1);
    double c2 = 1 - Math.pow(beta2, t);
    double[] m = state.array("m");
    double[] v = state.array("v");
    for (int i = 0; i < theta.length; i++) {
      double g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;                // m ← β₁·m + (1 - β₁)·g
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;            // v ← β₂·v + (1 - β₂)·g²
      double mHat = beta1 * m[i] / c1Next                   // m̂ = β₁·m / (1 - β₁ᵗ⁺¹)
          + (1 - beta1) * g / c1;                           //     + (1 - β₁)·g / (1 - β₁ᵗ)
      double vHat = v[i] / c2;                              // v̂ = v / (1 - β₂ᵗ)
      theta[i] -= lr * mHat / (Math.sqrt(vHat) + eps);      // θ ← θ - η·m̂/(√v̂ + ε)
    }
  }
}
