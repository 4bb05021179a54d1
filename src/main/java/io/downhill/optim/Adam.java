package io.downhill.optim;

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
public final class Adam implements Optimizer {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean[] decays;
  private final double[] m;
  private final double[] v;
  private long t;

  /**
   * @param decays which parameters are weights (decayed by AdamW); null when {@code weightDecay} is 0
   */
  public Adam(int parameters, double beta1, double beta2, double eps, double weightDecay, boolean[] decays) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decays = decays;
    this.m = new double[parameters];
    this.v = new double[parameters];
  }

  @Override
  public String name() {
    return weightDecay > 0 ? "adamw" : "adam";
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, double lr) {
    t++;                                                  // t ← t + 1
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < theta.length; i++) {
      double g = grad[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;              // m ← β₁·m + (1 - β₁)·g
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;          // v ← β₂·v + (1 - β₂)·g²
      double mHat = m[i] / c1;                            // m̂ = m / (1 - β₁ᵗ)
      double vHat = v[i] / c2;                            // v̂ = v / (1 - β₂ᵗ)
      double step = mHat / (Math.sqrt(vHat) + eps);
      if (weightDecay > 0 && decays[i]) {
        step += weightDecay * theta[i];                   // + λ_wd·θ on weights (AdamW)
      }
      theta[i] -= lr * step;                              // θ ← θ - η·(...)
    }
  }


  @Override
  public java.util.Map<String, double[]> state() {
    return java.util.Map.of("m", m, "v", v);
  }

  /** The step count t. */
  @Override
  public long stepCount() {
    return t;
  }

  @Override
  public void restoreStepCount(long steps) {
    t = steps;
  }
}
