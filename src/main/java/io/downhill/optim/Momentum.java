package io.downhill.optim;

/**
 * SGD with (heavy-ball) momentum, in the lecture's form: the velocity integrates the negative
 * gradient and the parameters move by the velocity.
 * <pre>
 *   v ← μ·v - η·g
 *   θ ← θ + v
 * </pre>
 * State: {@code v}, zero at the start. {@code μ} is {@code --momentum} (0.9 by default).
 */
public final class Momentum implements Optimizer {
  private final double mu;
  private final double[] v;

  public Momentum(int parameters, double mu) {
    this.mu = mu;
    this.v = new double[parameters];
  }

  @Override
  public String name() {
    return "momentum";
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, double lr) {
    for (int i = 0; i < theta.length; i++) {
      v[i] = mu * v[i] - lr * grad[i]; // v ← μ·v - η·g
      theta[i] += v[i];                // θ ← θ + v
    }
  }

  /** The velocity (for tests and checkpoints). */
  public double[] velocity() {
    return v;
  }

  @Override
  public java.util.Map<String, double[]> state() {
    return java.util.Map.of("v", v);
  }
}
