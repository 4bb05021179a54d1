package io.downhill.train;

/** Observes a training run (metrics files, console). All methods run on the driver. */
public interface TrainingListener {

  /** Before the first step: steps per epoch, rows, partitions, parameters. */
  default void onStart(int stepsPerEpoch, long trainRows, int partitions, int parameters) {}

  default void onStep(StepRecord step) {}

  /**
   * A step of epoch {@code epoch} (step: the run's count) and its loss, seen while a collective
   * segment runs, before its {@link #onStep} record (which comes when the segment ends). Called on
   * another thread than the other methods, at most a few times a second.
   */
  default void onProgress(int epoch, long step, double loss) {}

  default void onEpoch(EpochRecord epoch) {}
}
