package io.downhill.optim;

/**
 * A first-order update rule. Lives on the driver next to the weights; mutates the parameters
 * and its own state (velocities, moments, step count).
 */
public interface Optimizer {

  /** "sgd", "momentum", ... */
  String name();

  /** One step: {@code θ ← update(θ, g, η, state)}, in place on {@code theta} and the optimizer's state. */
  void stepInPlace(double[] theta, double[] grad, double lr);
}
