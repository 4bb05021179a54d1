package io.downhill.model;

/**
 * Totals over a training step's whole batch, which the partitions share: what batch normalization
 * needs to normalize with the statistics of the global minibatch rather than those of one
 * partition's rows. Each call hands in this partition's sums and returns the sums of every
 * partition's share of the step, the same array on every partition. The partitions make the same
 * calls in the same order (a training pass: each normalizing layer forward, in order, then
 * backward, in reverse; a partition without rows of the step joins with zeros,
 * {@link Model#joinTotalsWithoutRows}).
 *
 * <p>{@link #ALONE} when the pass's rows are the whole batch (one partition, a gradient check);
 * {@code shard.Rounds} on the driver transports (the step is run again with each new total), and
 * an all-reduce between the tasks of a collective segment.
 */
@FunctionalInterface
public interface BatchSums {
  /** The rows at hand are the whole batch: the total is this partition's own sums. */
  BatchSums ALONE = partial -> partial;

  /** The sum over every partition of {@code partial} (this partition's sums); callers do not modify the result. */
  double[] total(double[] partial);
}
