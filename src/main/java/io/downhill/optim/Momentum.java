package io.downhill.optim;

import io.downhill.linalg.Numbers;
import io.downhill.model.ParameterLayout;

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

  public Momentum(double mu) {
    this.mu = mu;
  }

  @Override
  public String name() {
    return "momentum";
  }

  @Override
  public String describe() {
    return name() + " (μ " + Numbers.compact(mu) + ")";
  }

  @Override
  public OptimizerState newState(ParameterLayout layout) {
    return new OptimizerState(layout, "v");
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr) {
    double[] v = state.array("v");
    for (int i = 0; i < theta.length; i++) {
      v[i] = mu * v[i] - lr * grad[i]; // v ← μ·v - η·g
      theta[i] += v[i];                // θ ← θ + v
    }
  }
}
