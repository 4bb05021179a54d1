package io.downhill.optim;

import io.downhill.linalg.Numbers;
import io.downhill.model.ParameterLayout;

/**
 * Nesterov accelerated gradient, in the form that keeps the parameters at the look-ahead point
 * (so the gradient is taken where the parameters are, as for every other rule):
 * <pre>
 *   v_prev ← v
 *   v      ← μ·v - η·g
 *   θ      ← θ - μ·v_prev + (1 + μ)·v
 * </pre>
 * State: {@code v}, zero at the start. {@code μ} is {@code --momentum}.
 */
public final class Nesterov implements Optimizer {
  private final double mu;

  public Nesterov(double mu) {
    this.mu = mu;
  }

  @Override
  public String name() {
    return "nesterov";
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
      double prev = v[i];                          // v_prev ← v
      v[i] = mu * v[i] - lr * grad[i];             // v ← μ·v - η·g
      theta[i] += -mu * prev + (1 + mu) * v[i];    // θ ← θ - μ·v_prev + (1 + μ)·v
    }
  }
}
