package io.downhill.sanity;

import io.downhill.BadInputException;
import io.downhill.data.Shard;
import io.downhill.linalg.Numbers;
import io.downhill.train.Fit;
import io.downhill.train.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code --lr auto}: picks the learning rate before training, with a learning-rate range test on a
 * sample (Smith, "Cyclical learning rates", 2017, in the form of the sanity checks' sweep): from the
 * run's initial weights, {@link #STEPS} minibatch steps of the configured update rule at a constant
 * rate (the run's batch size and regularization) for each of {@link #CANDIDATES}, log-spaced from
 * 1e-5 to 10, on the first rows of one partition. A rate counts when its loss fell (the mean of the last
 * five minibatch losses below the first) without exploding or rising ({@link SanityChecks#trend}: never
 * NaN nor past 3x the first, not above 1.1x at the end); of those, the run takes the one that ended
 * lowest, where the loss fell fastest (the larger on a tie). A loss that fell by less than the sweep's
 * 10% counts too: on wide sparse data (20,000 word features, a few thousand rows) every step sees mostly
 * new words and the minibatch loss of one pass hardly moves at any rate, yet the rate that moved it most
 * is the right one (docs/RESULTS.md). No rate whose loss fell at all is an error naming the setting: the
 * run cannot pick, the user must. On a partition of fewer than 50 batches a step takes fewer rows than
 * the run's (a 64-row partition: one row a step), which makes the sweep noisy; the small sets of
 * docs/RESULTS.md still scored as well as at the default rate.
 *
 * <p>No back-off: the fastest rate of a short run is close to the largest stable one, and the usual
 * advice is to take a fraction of it; with the default cosine schedule, which spends most of the run
 * well below η₀, the margin is already there. Measured (docs/RESULTS.md, "Defaults against tuned"):
 * where the sweep picked 0.3 for sgd, a back-off of 3 gives 0.1, and the table has both
 * runs: 0.9719 against 0.9624 (MNIST, 784-256-10), 0.9258 against 0.9238 (MNIST, linear), 0.713
 * against 0.676 (sparse text), 0.9667 against 0.9694 (digits, 1 of 360 test rows).
 */
public final class RateFinder {
  private RateFinder() {}

  /** The rates tried: half decades from 1e-5 to 10. */
  public static final double[] CANDIDATES = {1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10};
  /** Minibatch steps per rate. */
  public static final int STEPS = 50;

  /**
   * What the sweep found and what it chose.
   *
   * @param rate   the rate the run takes: the candidate whose loss fell fastest
   * @param trials every candidate's short run
   * @param rows   the sample's rows
   * @param batch  the rows of each step
   */
  public record Choice(double rate, List<SanityChecks.RateTrial> trials, int rows, int batch) {

    /** The one console line: what was chosen and why, with every candidate's loss. */
    public String describe() {
      return String.format(Locale.ROOT, "lr auto: %s, the rate whose loss fell fastest in %d steps of %d rows; loss "
          + "after %d steps: %s", Numbers.compact(rate), STEPS, batch, STEPS, losses());
    }

    /** e.g. "1e-05 2.30, ..., 3 exploded": each candidate's final loss, or what went wrong. */
    public String losses() {
      List<String> parts = new ArrayList<>();
      for (SanityChecks.RateTrial t : trials) {
        String what = switch (t.trend()) {
          case EXPLODES -> "exploded";
          case RISES -> String.format(Locale.ROOT, "%.3g (rose)", t.lastLoss());
          default -> String.format(Locale.ROOT, "%.3g", t.lastLoss());
        };
        parts.add(Numbers.compact(t.lr()) + " " + what);
      }
      return String.join(", ", parts);
    }
  }

  /**
   * The rate for the run {@code fit} sets up (its batch size made concrete, see
   * {@link TrainingConfig#sizedFor}), swept on the first rows of {@code rows} from {@code start} (a warm
   * start's weights; null: the run's initialization).
   */
  public static Choice pick(Fit fit, Shard rows, double[] start) {
    TrainingConfig config = fit.config();
    if (config.batchSize() < 1) {
      throw new IllegalArgumentException("size the run (sizedFor) before picking its rate");
    }
    SanityChecks sanity = new SanityChecks(fit);
    List<SanityChecks.RateTrial> trials = sanity.sweep(rows, CANDIDATES, STEPS, start);
    int batch = SanityChecks.sweepBatch(config, rows, STEPS);
    return choose(trials, batch * STEPS, batch);
  }

  /** The choice among {@code trials} (see the class comment), or the error when no rate made the loss go down. */
  static Choice choose(List<SanityChecks.RateTrial> trials, int rows, int batch) {
    SanityChecks.RateTrial best = null;
    for (SanityChecks.RateTrial t : trials) {
      boolean fell = (t.trend() == SanityChecks.Trend.DOWN || t.trend() == SanityChecks.Trend.FLAT)
          && t.lastLoss() < t.firstLoss();
      if (fell && (best == null || t.lastLoss() < best.lastLoss()
          || t.lastLoss() == best.lastLoss() && t.lr() > best.lr())) {
        best = t;
      }
    }
    if (best == null) {
      Choice none = new Choice(Double.NaN, trials, rows, batch);
      throw BadInputException.setting("learningRate", "auto found no rate at which the loss falls",
          "a rate whose loss falls within " + STEPS + " steps (check the data and the model with sanity)",
          "loss after " + STEPS + " steps: " + none.losses());
    }
    return new Choice(best.lr(), trials, rows, batch);
  }
}
