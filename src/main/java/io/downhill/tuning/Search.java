package io.downhill.tuning;

import io.downhill.shard.ShardComputer;
import io.downhill.train.ClosableGradientSource;
import io.downhill.train.DivergedException;
import io.downhill.train.EpochRecord;
import io.downhill.train.Fit;
import io.downhill.train.GradientSource;
import io.downhill.train.StepRecord;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingListener;
import io.downhill.train.TrainingResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Coarse-to-fine random search (the lecture's recipe): a coarse stage of many short trials drawn
 * from the whole {@link SearchSpace}, then a fine stage of longer trials drawn from the space
 * narrowed around the best coarse trials. Every trial trains with the abort rule (its loss past 3x
 * its first value, or NaN, ends it) and keeps the weights of its best validation epoch.
 *
 * <p>The trials of a stage run on their own driver threads, up to {@code parallel} at once; each
 * gets its {@link GradientSource} from {@link Trials#open}, which on Spark is a member of one
 * {@code SharedJobs}: the live trials' steps go to the cluster together, one job for all of them.
 */
public final class Search {
  /** What the search needs from its surroundings: configurations, their setups and gradient sources. */
  public interface Trials {
    /** The training configuration of one trial's settings (epochs, abort rule and so on included). */
    TrainingConfig config(Map<String, String> settings);

    /** The setup of a configuration (its model) for this data. */
    Fit fit(TrainingConfig config);

    /** A gradient source for one trial's computation; closing it ends the trial's share of the jobs. */
    ClosableGradientSource open(ShardComputer computer);
  }

  /** Told of each trial as it ends (on the trial's thread). */
  public interface Listener {
    void onTrial(TrialResult trial, int done, int total);
  }

  /** Loss multiple past which a trial is stopped (the lecture's rule). */
  public static final double ABORT_FACTOR = 3.0;

  private final SearchSpace space;
  private final Trials trials;
  private final int parallel;
  private final long seed;
  private final Listener listener;
  private int nextId = 1;

  /**
   * @param parallel trials advancing together (1: one after another)
   */
  public Search(SearchSpace space, Trials trials, int parallel, long seed, Listener listener) {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel trials must be >= 1, got " + parallel);
    }
    this.space = space;
    this.trials = trials;
    this.parallel = parallel;
    this.seed = seed;
    this.listener = listener;
  }

  /** The settings of a stage's trials: {@code count} draws from {@code from}, plus the stage's epochs. */
  public List<Map<String, String>> draw(SearchSpace from, SearchSpace.Stage stage, long drawSeed) {
    SplittableRandom rng = new SplittableRandom(drawSeed);
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < stage.trials(); i++) {
      Map<String, String> s = from.sample(rng);
      s.put("epochs", Integer.toString(stage.epochs()));
      out.add(s);
    }
    return out;
  }

  /** The coarse stage's settings. */
  public List<Map<String, String>> coarse() {
    return draw(space, space.coarse(), seed);
  }

  /** The fine stage's settings: drawn around the best {@code top} of {@code coarse} (those that finished). */
  public List<Map<String, String>> fine(List<TrialResult> coarse) {
    List<Map<String, String>> best = bestSettings(coarse);
    if (best.isEmpty() || space.fine().trials() == 0) {
      return List.of();
    }
    return draw(space.narrow(best), space.fine(), seed + 1);
  }

  /** The space the fine stage draws from. */
  public SearchSpace fineSpace(List<TrialResult> coarse) {
    List<Map<String, String>> best = bestSettings(coarse);
    return best.isEmpty() ? space : space.narrow(best);
  }

  /** The settings of the best {@code top} trials that finished an epoch, best first. */
  private List<Map<String, String>> bestSettings(List<TrialResult> coarse) {
    return coarse.stream().filter(t -> !Double.isNaN(t.bestValAccuracy())).sorted(TrialResult::byAccuracy)
        .limit(space.top()).map(TrialResult::settings).toList();
  }

  /**
   * Runs the trials of one stage, up to {@code parallel} at a time, and returns their results in
   * the order drawn. Configurations are built first, so a bad setting fails before any training.
   */
  public List<TrialResult> run(String stage, List<Map<String, String>> settings) {
    List<TrainingConfig> configs = new ArrayList<>();
    for (Map<String, String> s : settings) {
      configs.add(trials.config(s));
    }
    int first = nextId;
    nextId += settings.size();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, settings.size())), r -> {
      Thread t = new Thread(r, "downhill-trial");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<TrialResult>> futures = new ArrayList<>();
      int[] done = {0};
      for (int i = 0; i < settings.size(); i++) {
        int id = first + i;
        Map<String, String> s = settings.get(i);
        TrainingConfig config = configs.get(i);
        futures.add(pool.submit(() -> {
          TrialResult r = runOne(id, stage, s, config);
          synchronized (done) {
            done[0]++;
            listener.onTrial(r, done[0], settings.size());
          }
          return r;
        }));
      }
      List<TrialResult> out = new ArrayList<>();
      for (Future<TrialResult> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("search interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private TrialResult runOne(int id, String stage, Map<String, String> settings, TrainingConfig config) {
    long t0 = System.nanoTime();
    Fit fit = trials.fit(config);
    Tracker tracker = new Tracker();
    String stop;
    double[] theta = null;
    try {
      TrainingResult result = fit.run(trials::open, null, List.of(tracker));
      stop = result.stopReason();
      theta = result.theta();
    } catch (DivergedException e) {
      stop = e.getMessage().startsWith("loss exploded") ? "loss exploded (>" + (int) ABORT_FACTOR + "x initial)"
          : "diverged (NaN or Inf)";
    }
    return new TrialResult(id, stage, new LinkedHashMap<>(settings), tracker.epochs, tracker.bestEpoch,
        tracker.bestAccuracy, tracker.bestLoss, stop, tracker.firstLoss, tracker.lastLoss, tracker.steps,
        (System.nanoTime() - t0) / 1e9, tracker.bestEpoch > 0 ? theta : null);
  }

  /** A trial's own record: losses, and the best validation epoch. */
  private static final class Tracker implements TrainingListener {
    double firstLoss = Double.NaN;
    double lastLoss = Double.NaN;
    long steps;
    int epochs;
    int bestEpoch;
    double bestAccuracy = Double.NaN;
    double bestLoss = Double.NaN;

    @Override
    public void onStep(StepRecord s) {
      if (steps++ == 0) {
        firstLoss = s.loss();
      }
      lastLoss = s.loss();
    }

    @Override
    public void onEpoch(EpochRecord e) {
      epochs = e.epoch() + 1;
      if (e.validation() != null && (Double.isNaN(bestAccuracy) || e.validation().accuracy() > bestAccuracy)) {
        bestAccuracy = e.validation().accuracy();
        bestLoss = e.validation().loss();
        bestEpoch = e.epoch() + 1;
      }
    }
  }
}
