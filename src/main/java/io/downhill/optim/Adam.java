package io.downhill.optim;

import io.downhill.linalg.Numbers;
import io.downhill.model.ParameterLayout;

/**
 * Adam, and AdamW (Adam with decoupled weight decay) when {@code weightDecay > 0}.
 * <pre>
 *   t ← t + 1
 *   m ← β₁·m + (1 - β₁)·g
 *   v ← β₂·v + (1 - β₂)·g²
 *   m̂ = m / (1 - β₁ᵗ),   v̂ = v / (1 - β₂ᵗ)
 *   θ ← θ - η · ( m̂ / (√v̂ + ε)  +  λ_wd·θ·[θ is a weight] )
 * </pre>
 * State: {@code m}, {@code v} (zero at the start) and the step count {@code t}. The decay term
 * (AdamW) applies to weights only, never to biases, like every regularizer here; it is not part
 * of the loss, so it does not go through the moments.
 */
public final class Adam extends AdamFamily {
  private final double weightDecay;

  /**
   * @param weightDecay λ_wd of AdamW; 0 for Adam
   */
  public Adam(double beta1, double beta2, double eps, double weightDecay) {
    super(beta1, beta2, eps);
    this.weightDecay = weightDecay;
  }

  @Override
  public String name() {
    return weightDecay > 0 ? "adamw" : "adam";
  }

  @Override
  String extra() {
    return weightDecay > 0 ? ", weight decay " + Numbers.compact(weightDecay) : "";
  }

  @Override
  public OptimizerState newState(ParameterLayout layout) {
    return new OptimizerState(layout, "m", "v");
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr) {
    long t = state.incrementSteps();                        // t ← t + 1
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    double[] m = state.array("m");
    double[] v = state.array("v");
    for (ParameterLayout.Slice s : state.layout().slices()) {
      boolean decays = weightDecay > 0 && s.role().decayed();  // AdamW: weights only
      for (int i = s.offset(); i < s.end(); i++) {
        double g = grad[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;              // m ← β₁·m + (1 - β₁)·g
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;          // v ← β₂·v + (1 - β₂)·g²
        double mHat = m[i] / c1;                            // m̂ = m / (1 - β₁ᵗ)
        double vHat = v[i] / c2;                            // v̂ = v / (1 - β₂ᵗ)
        double step = mHat / (Math.sqrt(vHat) + eps);
        if (decays) {
          step += weightDecay * theta[i];                   // + λ_wd·θ on weights (AdamW)
        }
        theta[i] -= lr * step;                              // θ ← θ - η·(...)
      }
    }
  }
}
