package io.downhill.optim;

import io.downhill.model.ParameterLayout;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an update rule carries from one step to the next: named arrays of one value per parameter
 * (velocities, moments), zero at the start, and the step count {@code t}. Made by
 * {@link Optimizer#newState} for a layout, changed only by {@link Optimizer#stepInPlace}. A
 * checkpoint saves {@link #arrays} and {@link #steps} by name; a resume copies them back into a
 * fresh state ({@link #restoreInPlace}).
 */
public final class OptimizerState {
  private final ParameterLayout layout;
  private final Map<String, double[]> arrays = new TreeMap<>();
  private long steps;

  /** Zero arrays named {@code names}, one value per parameter of {@code layout}; t = 0. */
  public OptimizerState(ParameterLayout layout, String... names) {
    this.layout = layout;
    for (String name : names) {
      arrays.put(name, new double[layout.size()]);
    }
  }

  /** The parameters the arrays follow (which slices are weights, for AdamW's decay). */
  public ParameterLayout layout() {
    return layout;
  }

  /** The array {@code name}, live: the rule updates it in place. */
  public double[] array(String name) {
    double[] a = arrays.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no optimizer state named " + name + " in " + arrays.keySet());
    }
    return a;
  }

  /** Every array by name (sorted, live, the map read-only): what a checkpoint saves. Empty for sgd. */
  public Map<String, double[]> arrays() {
    return Collections.unmodifiableMap(arrays);
  }

  /** t: the steps a rule that needs them has counted (Adam's bias correction); 0 for the others. */
  public long steps() {
    return steps;
  }

  /** {@code t ← t + 1}; returns the new t. */
  public long incrementSteps() {
    return ++steps;
  }

  /**
   * Copies a saved state into this one (a resume from a checkpoint): the same arrays by name and
   * size, and the step count. A mismatch is an error, never a silent partial restore.
   */
  public void restoreInPlace(Map<String, double[]> saved, long savedSteps) {
    if (!arrays.keySet().equals(saved.keySet())) {
      throw new IllegalArgumentException("the optimizer keeps state " + arrays.keySet() + ", the checkpoint "
          + new TreeMap<>(saved).keySet());
    }
    for (Map.Entry<String, double[]> e : arrays.entrySet()) {
      double[] from = saved.get(e.getKey());
      if (from.length != e.getValue().length) {
        throw new IllegalArgumentException("optimizer state " + e.getKey() + " has " + e.getValue().length
            + " values, the checkpoint " + from.length);
      }
      System.arraycopy(from, 0, e.getValue(), 0, from.length);
    }
    steps = savedSteps;
  }
}
