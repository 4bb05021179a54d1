package io.downhill.optim;

import io.downhill.linalg.Blas;

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
  public void stepInPlace(double[] theta, double[] grad, double lr) {
    Blas.axpy(theta.length, -lr, grad, 0, theta, 0); // θ ← θ - η·g
  }
}
