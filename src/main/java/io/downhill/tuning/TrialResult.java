package io.downhill.tuning;

import java.util.Map;

/**
 * One finished trial.
 *
 * @param id              from 1, in the order trials were drawn
 * @param stage           "coarse" or "fine"
 * @param settings        the sampled hyperparameters (flag name without dashes, value as on the command line)
 * @param epochs          epochs the trial ran (fewer when its loss exploded)
 * @param bestEpoch       the epoch (from 1) with the best validation accuracy, 0 when none finished
 * @param bestValAccuracy validation accuracy at that epoch (NaN when none finished)
 * @param bestValLoss     validation loss at that epoch
 * @param stopReason      "epochs", "loss exploded (>3x initial)" or "diverged (NaN or Inf)"
 * @param initialLoss     the first step's minibatch loss
 * @param finalLoss       the last step's minibatch loss
 * @param steps           optimizer steps taken
 * @param seconds         wall time from the trial's start to its end (shared with the trials beside it)
 * @param theta           the weights of the best epoch (null when none finished)
 */
public record TrialResult(int id, String stage, Map<String, String> settings, int epochs, int bestEpoch,
    double bestValAccuracy, double bestValLoss, String stopReason, double initialLoss, double finalLoss, long steps,
    double seconds, double[] theta) {

  /** Best first: higher validation accuracy, then lower validation loss; trials without one last. */
  public static int byAccuracy(TrialResult a, TrialResult b) {
    double x = Double.isNaN(a.bestValAccuracy) ? -1 : a.bestValAccuracy;
    double y = Double.isNaN(b.bestValAccuracy) ? -1 : b.bestValAccuracy;
    if (x != y) {
      return Double.compare(y, x);
    }
    int byLoss = Double.compare(a.bestValLoss, b.bestValLoss);
    return byLoss != 0 ? byLoss : Integer.compare(a.id, b.id);
  }
}
