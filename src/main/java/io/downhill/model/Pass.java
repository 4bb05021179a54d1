package io.downhill.model;

import java.io.Serializable;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What kind of forward/backward pass this is: training (dropout on, its masks drawn from
 * {@code seed}; batch normalization with the batch's statistics, totalled by {@link #sums()} over
 * the step's whole batch) or evaluation (dropout off, running statistics). A training pass with a
 * fixed seed is a deterministic function of θ, so it can be gradient-checked.
 *
 * <p>A training pass also carries what a layer keeps from its forward to its backward pass (batch
 * normalization's global mean and scale, which cost a round of totals to make): make one pass per
 * batch, and run the backward with the pass of its forward.
 */
public final class Pass implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final Pass EVAL = new Pass(false, 0L, BatchSums.ALONE);

  private final boolean training;
  private final long seed;
  private final transient BatchSums sums;
  private transient Map<Object, double[]> kept; // by the layer's identity

  private Pass(boolean training, long seed, BatchSums sums) {
    this.training = training;
    this.seed = seed;
    this.sums = sums;
  }

  /** A training pass whose rows are the whole batch. */
  public static Pass training(long seed) {
    return training(seed, BatchSums.ALONE);
  }

  /** A training pass over this partition's share of a batch whose totals {@code sums} makes. */
  public static Pass training(long seed, BatchSums sums) {
    return new Pass(true, seed, sums);
  }

  public boolean training() {
    return training;
  }

  public long seed() {
    return seed;
  }

  /** Totals over the step's whole batch ({@link BatchSums#ALONE} when these rows are all of it). */
  public BatchSums sums() {
    return sums == null ? BatchSums.ALONE : sums;
  }

  /** Keeps {@code values} of {@code layer}'s forward pass for its backward pass. */
  void keep(Object layer, double[] values) {
    if (kept == null) {
      kept = new IdentityHashMap<>();
    }
    kept.put(layer, values);
  }

  /** What {@code layer}'s last forward pass with this pass kept. */
  double[] kept(Object layer) {
    double[] values = kept == null ? null : kept.get(layer);
    if (values == null) {
      throw new IllegalStateException("a backward pass of " + layer.getClass().getSimpleName()
          + " without its forward pass (run both with the same Pass)");
    }
    return values;
  }

  @Override
  public String toString() {
    return training ? "Pass(training, seed " + seed + ")" : "Pass(evaluation)";
  }
}
