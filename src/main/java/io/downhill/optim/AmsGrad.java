package io.downhill.optim;

import io.downhill.model.ParameterLayout;

/**
 * AMSGrad (Reddi, Kale &amp; Kumar 2018): Adam whose denominator never shrinks, so a rare large
 * gradient is not forgotten as fast as Adam's leaky v forgets it (the paper's counter-example to
 * Adam's convergence). The variant is PyTorch's {@code Adam(amsgrad=True)}: the running maximum is
 * taken of the raw second moment v, and the bias correction of the current step is applied to it
 * (the paper itself has no bias correction):
 * <pre>
 *   t ← t + 1
 *   m ← β₁·m + (1 - β₁)·g
 *   v ← β₂·v + (1 - β₂)·g²
 *   v_max ← max(v_max, v)
 *   m̂ = m / (1 - β₁ᵗ),   v̂ = v_max / (1 - β₂ᵗ)
 *   θ ← θ - η · m̂ / (√v̂ + ε)
 * </pre>
 * State: {@code m}, {@code v}, {@code vmax} (zero at the start) and the step count {@code t}. β₁,
 * β₂ and ε are Adam's. Suggested learning rate: 1e-3 (PyTorch's and Keras's default).
 */
public final class AmsGrad extends AdamFamily {

  public AmsGrad(double beta1, double beta2, double eps) {
    super(beta1, beta2, eps);
  }

  @Override
  public String name() {
    return "amsgrad";
  }

  @Override
  public OptimizerState newState(ParameterLayout layout) {
    return new OptimizerState(layout, "m", "v", "vmax");
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr) {
    long t = state.incrementSteps();                        // t ← t + 1
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    double[] m = state.array("m");
    double[] v = state.array("v");
    double[] vMax = state.array("vmax");
    for (int i = 0; i < theta.length; i++) {
      double g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;                // m ← β₁·m + (1 - β₁)·g
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;            // v ← β₂·v + (1 - β₂)·g²
      vMax[i] = Math.max(vMax[i], v[i]);                    // v_max ← max(v_max, v)
      double mHat = m[i] / c1;                              // m̂ = m / (1 - β₁ᵗ)
      double vHat = vMax[i] / c2;                           // v̂ = v_max / (1 - β₂ᵗ)
      theta[i] -= lr * mHat / (Math.sqrt(vHat) + eps);      // θ ← θ - η·m̂/(√v̂ + ε)
    }
  }
}
