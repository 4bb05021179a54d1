package io.downhill.sanity;

import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.gradcheck.GradientCheck;
import io.downhill.gradcheck.GradientCheckReport;
import io.downhill.loss.Loss;
import io.downhill.loss.Regularizer;
import io.downhill.model.Initializer;
import io.downhill.model.Model;
import io.downhill.model.ParameterLayout;
import io.downhill.model.Pass;
import io.downhill.shard.Evaluation;
import io.downhill.shard.MinibatchObjective;
import io.downhill.shard.Split;
import io.downhill.train.DivergedException;
import io.downhill.train.EpochRecord;
import io.downhill.train.Fit;
import io.downhill.train.LocalGradientSource;
import io.downhill.train.StepRecord;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The lecture's checks before a long run, each a pass or a fail with the numbers behind it:
 * <ol>
 *   <li>{@link #initialLoss}: with regularization off and small weights the loss is the chance
 *       value: ln k for softmax (uniform probabilities), k - 1 for the multiclass SVM (every margin
 *       ≈ 1), ln 2 for the binary logistic loss;
 *   <li>{@link #regularization}: raising λ raises the initial objective;
 *   <li>{@link #overfit}: a few examples (20) are learned perfectly (training accuracy 1.00) with
 *       full-batch steps and no regularization: the model, loss and update can learn at all;
 *   <li>{@link #gradientCheck}: the analytic gradient agrees with central differences;
 *   <li>{@link #learningRates}: a short run per rate says whether the loss goes down, stays flat
 *       (rate too low) or explodes (too high), and suggests a range.
 * </ol>
 * Everything but the first runs on the driver on a sample of rows; the first is a distributed
 * evaluation over the whole training split (the caller passes it in).
 */
public final class SanityChecks {
  /** One check's verdict: its name, pass or fail, and the numbers behind it. */
  public record Check(String name, boolean passed, String detail) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-4s %s: %s", passed ? "ok" : "FAIL", name, detail);
    }
  }

  /** How the loss of a short run at one learning rate went. */
  public enum Trend { DOWN, FLAT, RISES, EXPLODES }

  /** One rate of the sweep. */
  public record RateTrial(double lr, Trend trend, double firstLoss, double lastLoss) {}

  private final Fit fit;
  private final Model model;
  private final Loss loss;
  private final TrainingConfig config;
  private final int classes;

  /** The checks of the run {@code fit} sets up. */
  public SanityChecks(Fit fit) {
    this.fit = fit;
    this.model = fit.model();
    this.loss = fit.loss();
    this.config = fit.config();
    this.classes = fit.classes();
  }

  /** The chance loss at small weights: ln k (softmax), k - 1 (SVM, margin 1), ln 2 (logistic). */
  public double expectedInitialLoss() {
    return switch (loss.name()) {
      case "svm" -> classes - 1;
      case "logistic" -> Math.log(2);
      default -> Math.log(classes);
    };
  }

  /**
   * θ with small scores: the configured initialization with the output layer's weights scaled by
   * 1e-3 (the hidden layers keep theirs, so the check still runs through them). This is the
   * lecture's "small weights" at which the chance loss is expected.
   */
  public double[] smallTheta() {
    double[] theta = fit.initialTheta();
    ParameterLayout.Slice head = null;
    for (ParameterLayout.Slice s : model.layout().slices()) {
      if (s.role() == ParameterLayout.Role.WEIGHT) {
        head = s;
      }
    }
    for (int i = head.offset(); i < head.end(); i++) {
      theta[i] *= 1e-3;
    }
    return theta;
  }

  /**
   * The data loss at small weights ({@link #smallTheta}) over the training split ({@code trainLoss}
   * evaluates it) against {@link #expectedInitialLoss}, within a relative {@code tolerance}; the loss
   * at the configured initialization, {@code atInit} (the caller's evaluation of {@link Fit#initialTheta}),
   * is shown beside it.
   */
  public Check initialLoss(Function<double[], Evaluation> trainLoss, double atInit, double tolerance) {
    double found = trainLoss.apply(smallTheta()).loss();
    double expected = expectedInitialLoss();
    double rel = Math.abs(found - expected) / expected;
    String what = switch (loss.name()) {
      case "svm" -> "k-1";
      case "logistic" -> "ln 2";
      default -> "ln k";
    };
    return new Check("initial loss", rel <= tolerance, String.format(Locale.ROOT,
        "%.4f at small weights with regularization off, expected %s = %.4f (off by %.1f%%, tolerance %.0f%%); "
            + "%.4f at the configured initialization%s", found, what, expected, 100 * rel, 100 * tolerance, atInit,
        rel <= tolerance ? "" : ": the loss or the scores are wrong (labels, normalization)"));
  }

  /** The initial objective at increasing λ (data loss + λ·R(W)) must increase strictly. */
  public Check regularization(double[] theta, double dataLoss, double[] lambdas) {
    List<String> shown = new ArrayList<>();
    boolean rising = true;
    double previous = Double.NEGATIVE_INFINITY;
    for (double lambda : lambdas) {
      double f = dataLoss + new Regularizer(lambda, config.regularizer().l1Ratio()).penalty(theta, model.layout());
      shown.add(String.format(Locale.ROOT, "λ %.0e: %.4f", lambda, f));
      rising &= f > previous;
      previous = f;
    }
    return new Check("regularization raises the loss", rising, String.join(", ", shown)
        + (rising ? "" : ": the penalty does not grow with λ (all weights zero, or the penalty is not applied)"));
  }

  /**
   * Full-batch steps of the configured optimizer and learning rate (constant, no regularization, no
   * dropout) on the first {@code n} rows of {@code rows}; passes when the training accuracy reaches
   * 1.00 within {@code maxSteps}.
   */
  public Check overfit(Shard rows, int n, int maxSteps) {
    Shard tiny = rows.head(n);
    TrainingConfig small = atConstantRate().dropout(0).reg(0).l1Ratio(0).weightDecay(0).batchSize(tiny.rows())
        .epochs(maxSteps).precision(tiny.precision()).lineSearch("none").build();
    Fit overfit = Fit.of(small, tiny.cols(), classes, "sanity: overfit", null);
    LocalGradientSource source = new LocalGradientSource(overfit.computer(), List.of(tiny),
        Map.of(Split.TRAIN, List.of(tiny)));
    int[] firstPerfect = {-1};
    double[] last = {Double.NaN, Double.NaN};
    TrainingListener watch = new TrainingListener() {
      @Override
      public void onEpoch(EpochRecord e) {
        last[0] = e.train().accuracy();
        last[1] = e.train().loss();
        if (firstPerfect[0] < 0 && e.train().accuracy() >= 1.0) {
          firstPerfect[0] = e.epoch() + 1;
        }
      }
    };
    try {
      overfit.run(source, null, List.of(watch));
    } catch (DivergedException e) {
      return new Check("overfit " + tiny.rows() + " examples", false, "training diverged: " + e.getMessage());
    }
    boolean ok = firstPerfect[0] > 0;
    return new Check("overfit " + tiny.rows() + " examples", ok, ok
        ? String.format(Locale.ROOT, "training accuracy 1.00 after %d full-batch steps (lr %s, no regularization); "
            + "loss %.2e after %d", firstPerfect[0], config.learningRate(), last[1], maxSteps)
        : String.format(Locale.ROOT, "training accuracy %.2f after %d full-batch steps (loss %.4f, lr %s): the model "
            + "cannot fit even %d rows; check the learning rate (see the sweep) and the model", last[0], maxSteps,
            last[1], config.learningRate(), tiny.rows()));
  }

  /**
   * The gradient check of the full objective (data loss + the configured regularization) on the
   * first {@code n} rows, in float64, at a point where scores vary: linear models at σ 0.1,
   * networks at He initialization with small random biases.
   */
  public Check gradientCheck(Shard rows, int n) {
    Shard head = rows.head(n);
    int d = head.cols();
    int m = head.rows();
    double[] x = new double[m * d];
    int[] labels = new int[m];
    double[] weights = new double[m];
    Block b = head.blocks().get(0);
    double[] row = new double[d];
    for (int i = 0; i < m; i++) {
      System.arraycopy(b.row(i, row), 0, x, i * d, d);
      labels[i] = b.labels()[i];
      weights[i] = b.weight(i);
    }
    Model f64 = Model.of(config.model().spec(d, classes));
    double[] theta = new double[f64.layout().size()];
    f64.initializeInPlace(config.model().isLinear() ? Initializer.gaussian(0.1) : Initializer.he(), theta,
        config.seed());
    Initializer.randomizeBiases(f64.layout(), theta, config.seed() + 1);
    Regularizer reg = config.regularizer().lambda() > 0 ? config.regularizer() : new Regularizer(1e-2, 0);
    Pass pass = config.model().dropout() > 0
        || config.model().batchNormPlacement() != io.downhill.model.BatchNorm.Placement.NONE
        ? Pass.training(config.seed()) : Pass.EVAL; // batch norm: the batch's statistics, as training uses
    MinibatchObjective objective = new MinibatchObjective(f64, loss, reg, x, m, labels, weights, pass);
    GradientCheckReport report = new GradientCheck(GradientCheck.DEFAULT_H, GradientCheck.DEFAULT_THRESHOLD, 20_000,
        config.seed(), 3).run(objective, theta);
    return new Check("gradient check", report.passed(), String.format(Locale.ROOT,
        "worst relative error %.2e over %d coordinates on %d rows (threshold %.0e, %s)", report.maxRelativeError(),
        report.checked(), m, GradientCheck.DEFAULT_THRESHOLD, reg.describe()));
  }

  /**
   * {@code steps} minibatch steps of the configured optimizer (constant rate, configured batch size
   * and regularization) from the initial θ on {@code rows}, at each rate. The trend compares the mean
   * of the last five minibatch losses with the first: below 0.9x goes down, above 1.1x rises, NaN or
   * past 3x explodes, between stays flat.
   */
  public List<RateTrial> sweep(Shard rows, double[] rates, int steps) {
    return sweep(rows, rates, steps, null);
  }

  /** {@link #sweep(Shard, double[], int)} from {@code start} (a warm start's weights; null: the initial θ). */
  public List<RateTrial> sweep(Shard rows, double[] rates, int steps, double[] start) {
    List<RateTrial> out = new ArrayList<>();
    int batch = sweepBatch(config, rows, steps);
    Shard sample = rows.head(batch * steps);
    for (double lr : rates) {
      TrainingConfig c = atConstantRate().learningRate(lr).batchSize(batch).epochs(1).precision(rows.precision())
          .build();
      Fit atRate = Fit.of(c, sample.cols(), classes, "sanity: learning-rate sweep", null);
      List<Double> losses = new ArrayList<>();
      TrainingListener watch = new TrainingListener() {
        @Override
        public void onStep(StepRecord s) {
          losses.add(s.loss());
        }
      };
      Trend trend;
      try {
        atRate.run(new LocalGradientSource(atRate.computer(), List.of(sample), Map.of()),
            start == null ? null : start.clone(), List.of(watch));
        trend = trend(losses);
      } catch (DivergedException e) {
        trend = Trend.EXPLODES;
      }
      double first = losses.isEmpty() ? Double.NaN : losses.get(0);
      out.add(new RateTrial(lr, trend, first, tail(losses)));
    }
    return out;
  }

  /** The rows of each step of a sweep: the run's batch size, or fewer so that {@code rows} make {@code steps} steps. */
  static int sweepBatch(TrainingConfig config, Shard rows, int steps) {
    return Math.max(1, Math.min(config.batchSize(), rows.rows() / steps));
  }

  /**
   * The run's settings at a constant rate, for the short runs of the checks: without what would
   * change what a few steps show (a schedule or warm-up, max-norm, early stopping, local steps, the
   * abort rule); each check adds its own rate, regularization, batch and length.
   */
  private TrainingConfig.Builder atConstantRate() {
    return TrainingConfig.builder(config).schedule("constant").warmup(0).maxNorm(0).earlyStopping("none")
        .localSteps(1).abortFactor(0);
  }

  static Trend trend(List<Double> losses) {
    double first = losses.get(0);
    double end = tail(losses);
    for (double l : losses) {
      if (!Double.isFinite(l) || l > 3 * first) {
        return Trend.EXPLODES;
      }
    }
    return end < 0.9 * first ? Trend.DOWN : end > 1.1 * first ? Trend.RISES : Trend.FLAT;
  }

  private static double tail(List<Double> losses) {
    int n = Math.min(5, losses.size());
    double sum = 0;
    for (int i = losses.size() - n; i < losses.size(); i++) {
      sum += losses.get(i);
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * The sweep's verdict on the configured rate, with the suggested range: the rates whose loss
   * went down, and among them the one that ended lowest.
   */
  public Check learningRates(List<RateTrial> sweep) {
    RateTrial configured = null;
    double lo = Double.NaN;
    double hi = Double.NaN;
    RateTrial best = null;
    StringBuilder table = new StringBuilder();
    for (RateTrial t : sweep) {
      if (t.lr() == config.learningRate()) {
        configured = t;
      }
      if (t.trend() == Trend.DOWN) {
        lo = Double.isNaN(lo) ? t.lr() : Math.min(lo, t.lr());
        hi = Double.isNaN(hi) ? t.lr() : Math.max(hi, t.lr());
        if (best == null || t.lastLoss() < best.lastLoss()) {
          best = t;
        }
      }
      table.append(String.format(Locale.ROOT, "%s%.0e %s", table.length() == 0 ? "" : ", ", t.lr(),
          t.trend().name().toLowerCase(Locale.ROOT)));
    }
    boolean ok = configured != null && configured.trend() == Trend.DOWN;
    String verdict = configured == null ? "not swept"
        : switch (configured.trend()) {
          case DOWN -> String.format(Locale.ROOT, "goes down (%.3f -> %.3f)", configured.firstLoss(), configured.lastLoss());
          case FLAT -> String.format(Locale.ROOT, "stays flat (%.3f -> %.3f): too low", configured.firstLoss(),
              configured.lastLoss());
          case RISES -> String.format(Locale.ROOT, "rises (%.3f -> %.3f): too high", configured.firstLoss(),
              configured.lastLoss());
          case EXPLODES -> "explodes: too high";
        };
    String range = best == null ? "no rate made the loss go down"
        : String.format(Locale.ROOT, "suggested range %.0e to %.0e (lowest loss at %.0e)", lo, hi, best.lr());
    return new Check("learning rate", ok, String.format(Locale.ROOT, "lr %s %s; sweep: %s; %s", config.learningRate(),
        verdict, table, range));
  }
}
