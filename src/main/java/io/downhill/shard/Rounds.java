package io.downhill.shard;

import io.downhill.model.BatchSums;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The totals over a step's global batch ({@link BatchSums}) where the partitions cannot talk to
 * each other mid-step (a Spark job per round, or the partitions of this JVM one after another): the
 * step runs in rounds. In round r every partition computes its step again with the r totals known
 * so far; at the first total it does not know, it stops and returns its sums for it
 * ({@link GradientAccumulator#needed}); the driver adds those up in partition order, as it merges
 * gradients, and runs the next round. The round in which no partition needs a total returns the
 * gradient. A model with no such layer takes one round, as before; one batch-normalized layer takes
 * three (its forward total, its backward total, the gradient).
 *
 * <p>Each round recomputes the step from its start instead of keeping activations on the
 * executors between jobs: no state outside the task, so a lost executor or a retried task changes
 * nothing. The totals every partition receives are the same arrays, summed in the same order, as a
 * collective segment's all-reduce makes them, so both transports take the same steps bit for bit.
 */
public final class Rounds implements BatchSums {
  private final double[][] known;
  private int next;

  /** The totals of a step's earlier rounds, in the order the pass asks for them. */
  public Rounds(double[][] known) {
    this.known = known;
  }

  @Override
  public double[] total(double[] partial) {
    if (next < known.length) {
      return known[next++];
    }
    throw new Needed(partial.clone());
  }

  /**
   * Step {@code round}s until no partition needs another total: {@code round} runs every partition
   * with the totals known so far and merges their accumulators. Returns the last round's merge.
   */
  public static GradientAccumulator run(Function<double[][], GradientAccumulator> round) {
    double[][] known = new double[0][];
    while (true) {
      GradientAccumulator merged = round.apply(known);
      if (merged.needed() == null) {
        return merged;
      }
      known = Arrays.copyOf(known, known.length + 1);
      known[known.length - 1] = merged.needed();
    }
  }

  /** A pass stopping at a total its round does not know yet, with this partition's sums for it. */
  static final class Needed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final double[] partial;

    Needed(double[] partial) {
      super("a total over the step's batch", null, false, false);
      this.partial = partial;
    }

    double[] partial() {
      return partial;
    }
  }
}
