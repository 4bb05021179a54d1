package io.downhill.train;

/**
 * One training algorithm's loop: what a step is and how θ moves. The bookkeeping every algorithm
 * shares (records, evaluations, early stopping, divergence, checkpoints) is {@link Run}'s.
 */
interface Driver {

  /** S, the steps an epoch record counts: minibatch steps, one gd iteration, or the random-search trials. */
  int stepsPerEpoch(TrainingConfig config, GradientSource source);

  /** Trains θ in place, reporting every step and epoch to {@code run}; returns the run's result. */
  TrainingResult train(Run run, double[] theta);
}
