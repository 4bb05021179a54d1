package io.downhill.optim;

import java.util.Map;

/**
 * A first-order update rule. Lives on the driver next to the weights; mutates the parameters
 * and its own state (velocities, moments, step count).
 */
public interface Optimizer {

  /** "sgd", "momentum", ... */
  String name();

  /** One step: {@code θ ← update(θ, g, η, state)}, in place on {@code theta} and the optimizer's state. */
  void stepInPlace(double[] theta, double[] grad, double lr);

  /**
   * The rule's state arrays by name (velocities, moments), live: a checkpoint copies them out, a
   * resume copies saved values into them. Empty for sgd, which has no state.
   */
  default Map<String, double[]> state() {
    return Map.of();
  }

  /** Steps taken, for rules whose update depends on it (Adam's bias correction); else 0. */
  default long stepCount() {
    return 0;
  }

  /** Sets the step count of a rule that keeps one (a resume). */
  default void restoreStepCount(long t) {}

  /**
   * Copies a saved state into this optimizer (a resume from a checkpoint): the same arrays by name
   * and size, and the step count. A mismatch is an error, never a silent partial restore.
   */
  default void restoreInPlace(Map<String, double[]> saved, long steps) {
    Map<String, double[]> live = state();
    if (!live.keySet().equals(saved.keySet())) {
      throw new IllegalArgumentException(name() + " keeps state " + live.keySet() + ", the checkpoint " + saved.keySet());
    }
    for (Map.Entry<String, double[]> e : live.entrySet()) {
      double[] from = saved.get(e.getKey());
      if (from.length != e.getValue().length) {
        throw new IllegalArgumentException(name() + " state " + e.getKey() + " has " + e.getValue().length
            + " values, the checkpoint " + from.length);
      }
      System.arraycopy(from, 0, e.getValue(), 0, from.length);
    }
    restoreStepCount(steps);
  }
}
