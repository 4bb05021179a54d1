package io.downhill.train;

import java.util.List;

/**
 * What a run produced.
 *
 * @param theta             the final parameters (the best epoch's, with early stopping)
 * @param epochs            one record per epoch run, in order
 * @param steps             optimizer steps taken (iterations for gd, trials for random search)
 * @param stepsPerEpoch     S
 * @param fitSeconds        wall time of the whole loop, evaluations included
 * @param stepSeconds       wall time of the steps only
 * @param medianStepSeconds median wall time of one step
 * @param bestEpoch         index of the epoch whose weights {@code theta} are (the last one without early stopping)
 * @param stopReason        why training ended: "epochs", "early stopping", "converged", "line search failed", "trials"
 */
public record TrainingResult(double[] theta, List<EpochRecord> epochs, long steps, int stepsPerEpoch,
    double fitSeconds, double stepSeconds, double medianStepSeconds, int bestEpoch, String stopReason) {

  public EpochRecord last() {
    return epochs.get(epochs.size() - 1);
  }

  /** The record of the epoch whose weights were kept. */
  public EpochRecord best() {
    return epochs.get(bestEpoch);
  }

  /** Step time per epoch, averaged over epochs. */
  public double secondsPerEpoch() {
    return stepSeconds / epochs.size();
  }
}
