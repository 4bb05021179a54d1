package io.downhill.optim;

/** A first-order update rule. Mutates the parameters and its own state, on the driver. */
public interface Optimizer {

  /** "sgd", "momentum", ... */
  String name();

  /** One step: {@code θ ← θ - update(g, lr, state)}, in place on {@code params}. */
  void stepInPlace(double[] params, double[] grad, double lr);
}
