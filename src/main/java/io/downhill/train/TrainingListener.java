package io.downhill.train;

/** Observes a training run (metrics files, console). All methods run on the driver. */
public interface TrainingListener {

  /** Before the first step: steps per epoch, rows, partitions, parameters. */
  default void onStart(int stepsPerEpoch, long trainRows, int partitions, int parameters) {}

  default void onStep(StepRecord step) {}

  default void onEpoch(EpochRecord epoch) {}
}
