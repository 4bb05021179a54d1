package io.downhill.optim;

import io.downhill.linalg.Blas;
import io.downhill.model.ParameterLayout;

/**
 * Vanilla (minibatch) stochastic gradient descent:
 * <pre>
 *   θ ← θ - η · g
 * </pre>
 * No state.
 */
public final class Sgd implements Optimizer {

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public OptimizerState newState(ParameterLayout layout) {
    return new OptimizerState(layout);
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr) {
    Blas.axpy(theta.length, -lr, grad, 0, theta, 0); // θ ← θ - η·g
  }
}
