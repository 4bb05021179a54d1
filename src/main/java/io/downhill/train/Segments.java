package io.downhill.train;

/**
 * The collective transport of synchronous steps (exact, or jobs of K local steps): the partitions'
 * tasks stay alive for a {@link Segment} and exchange their sums among themselves, each applying
 * the same {@link SyncStep} to its replica of θ; the driver hears from them once per segment. The
 * other transport, a Spark job per step (or per job), is {@link GradientSource#gradient} (or
 * {@link GradientSource#localSteps}); both give the same bits.
 */
public interface Segments {

  /**
   * Takes the steps of {@code segment}, each one {@code step} on every task's replica, and returns
   * the outcome (θ, the optimizer state, the reports).
   */
  Segment.Result run(Segment segment, SyncStep step);

  /** e.g. "collective (2 task slots for 2 partitions)": which transport, and why it was chosen. */
  String describe();
}
