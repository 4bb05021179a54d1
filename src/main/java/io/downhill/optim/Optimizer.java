package io.downhill.optim;

import io.downhill.model.ParameterLayout;

/**
 * A first-order update rule. The object holds only the rule's hyperparameters; everything that
 * changes from step to step lives in its {@link OptimizerState}, so a step is a function of θ, g,
 * the state and η alone. Rules are registered by name in {@link OptimizerConfig}.
 */
public interface Optimizer {

  /** "sgd", "momentum", ... (what a checkpoint records, and a resume must match). */
  String name();

  /** The name and hyperparameters, e.g. "adam (β₁ 0.9, β₂ 0.999, ε 1e-8)". */
  default String describe() {
    return name();
  }

  /** A fresh state (zero arrays, t = 0) for parameters of {@code layout}. */
  OptimizerState newState(ParameterLayout layout);

  /**
   * One step: {@code θ ← update(θ, g, η, state)}. Mutates {@code theta} and {@code state} in place;
   * reads {@code grad}.
   */
  void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr);
}
