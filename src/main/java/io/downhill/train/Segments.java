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
   * the outcome (θ, the optimizer state, the reports); {@code progress} hears of steps as they go.
   */
  Segment.Result run(Segment segment, SyncStep step, Progress progress);

  /**
   * Steps as one task reports them while a segment runs (step: the run's count), for the progress
   * line; called on another thread than the training loop's. Each step's record comes afterwards.
   */
  @FunctionalInterface
  interface Progress {
    void step(long step, double loss);
  }

  /** e.g. "collective (2 task slots for 2 partitions)": which transport, and why it was chosen. */
  String describe();
}
