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
 * 1e-5 to 10, on the first rows of one partition. A rate counts when its loss went down (the mean of the
 * last five minibatch losses below 0.9x the first, never NaN nor past 3x: {@link SanityChecks#trend});
 * of those, the run takes the one that ended lowest, where the loss fell fastest (the larger on a tie).
 * No rate going down (the loss flat at every rate, or rising, or exploding) is an error naming the
 * setting: the run cannot pick, the user must.
 *
 * <p>No back-off: the fastest rate of a short run is close to the largest stable one, and the usual
 * advice is to take a fraction of it. Measured (docs/RESULTS.md, "Defaults against tuned": the sweep's
 * rate divided by 1, 2, 3 and 10, with the default cosine schedule, on Fashion-MNIST and four small sets,
 * linear and 256-unit networks, sgd and Adam), dividing never won by more than the noise of a few test
 * rows and lost up to 1.1 points on Fashion-MNIST with 2 or 3, 7 with 10: the cosine schedule already
 * spends most of the run well below η₀, which is the margin.
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
      if (t.trend() == SanityChecks.Trend.DOWN && (best == null || t.lastLoss() < best.lastLoss()
          || t.lastLoss() == best.lastLoss() && t.lr() > best.lr())) {
        best = t;
      }
    }
    if (best == null) {
      Choice none = new Choice(Double.NaN, trials, rows, batch);
      throw BadInputException.setting("learningRate", "auto found no rate at which the loss goes down",
          "a rate whose loss falls within " + STEPS + " steps (check the data and the model with sanity)",
          "loss after " + STEPS + " steps: " + none.losses());
    }
    return new Choice(best.lr(), trials, rows, batch);
  }
}
