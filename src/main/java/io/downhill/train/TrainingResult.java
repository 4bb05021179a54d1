package io.downhill.train;

import java.util.List;

/**
 * What a run produced.
 *
 * @param theta             the final parameters
 * @param epochs            one record per epoch, in order
 * @param steps             optimizer steps taken
 * @param stepsPerEpoch     S
 * @param fitSeconds        wall time of the whole loop, evaluations included
 * @param stepSeconds       wall time of the steps only
 * @param medianStepSeconds median wall time of one step
 */
public record TrainingResult(double[] theta, List<EpochRecord> epochs, long steps, int stepsPerEpoch,
    double fitSeconds, double stepSeconds, double medianStepSeconds) {

  public EpochRecord last() {
    return epochs.get(epochs.size() - 1);
  }

  /** Step time per epoch, averaged over epochs. */
  public double secondsPerEpoch() {
    return stepSeconds / epochs.size();
  }
}
