package io.downhill.train;

import java.util.List;

/**
 * The training algorithms, each a driver of the one loop (whose bookkeeping is {@link Run}):
 *
 * <ul>
 *   <li><b>minibatch</b>: steps of an update rule on minibatch gradients, one job per step
 *       ({@link Minibatch}), or K steps per job with {@code --local-steps K > 1} ({@link LocalSteps});
 *   <li><b>gd</b>: full-batch gradient descent with a backtracking line search ({@link FullBatch});
 *   <li><b>random-search</b>: the lecture's bad idea, random weights, the best kept ({@link RandomSearch}).
 * </ul>
 *
 * {@link TrainingConfig#algorithm} selects one by name, {@link Trainer} runs its driver.
 */
public enum Algorithm {
  MINIBATCH("minibatch"),
  GD("gd"),
  RANDOM_SEARCH("random-search");

  private final String label;

  Algorithm(String label) {
    this.label = label;
  }

  /** The algorithm called {@code name}. */
  public static Algorithm named(String name) {
    for (Algorithm a : values()) {
      if (a.label.equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown training algorithm '" + name + "'; expected one of " + labels());
  }

  /** The names, e.g. for a setting's help. */
  public static List<String> labels() {
    return java.util.Arrays.stream(values()).map(Algorithm::label).toList();
  }

  /** e.g. "minibatch". */
  public String label() {
    return label;
  }

  /**
   * Whether it takes minibatch steps of an update rule: only those can be checkpointed and
   * resumed, or take local steps.
   */
  public boolean minibatch() {
    return this == MINIBATCH;
  }
}
