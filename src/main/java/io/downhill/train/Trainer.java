package io.downhill.train;

import io.downhill.shard.BatchPlan;
import io.downhill.shard.Evaluation;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.shard.StepPlan;
import io.downhill.BadInputException;
import io.downhill.linalg.Blas;
import io.downhill.loss.Regularizer;
import io.downhill.model.Model;
import io.downhill.model.ParameterLayout;
import io.downhill.optim.MaxNorm;
import io.downhill.optim.Optimizer;
import io.downhill.optim.schedule.Schedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training loop, on the driver. Three drivers share the bookkeeping (step and epoch records,
 * evaluation after every epoch, early stopping, divergence):
 *
 * <ul>
 *   <li><b>minibatch</b> (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw): each step one call
 *       to the {@link GradientSource} (one Spark job when distributed) brings the summed minibatch
 *       gradient; the driver averages it, adds the regularization gradient and lets the optimizer
 *       update θ in place, then applies the max-norm constraint;
 *       <pre>
 *       g = (Σ_i w_i ∂L_i/∂θ) / Σ_i w_i  +  ∂R/∂θ,     θ ← optimizer(θ, g, η(t))
 *       </pre>
 *   <li><b>gd</b>: full-batch gradient descent, one iteration per epoch, with a backtracking
 *       (Armijo) line search whose every trial is one distributed loss pass ({@link LineSearch});
 *   <li><b>random-search</b>: the lecture's bad idea: {@code --trials} random weight matrices, one
 *       distributed loss pass each, keeping the one with the lowest training loss.
 * </ul>
 *
 * A loss or gradient that stops being finite ends the run with {@link DivergedException}.
 */
public final class Trainer {
  private final TrainingConfig config;
  private final Model model;
  private final GradientSource source;
  private final List<TrainingListener> listeners;
  private final ParameterLayout layout;
  private final Regularizer reg;
  private final Checkpoints checkpoints;
  private final TrainerState resume;

  public Trainer(TrainingConfig config, Model model, GradientSource source, List<TrainingListener> listeners) {
    this(config, model, source, listeners, null, null);
  }

  private Trainer(TrainingConfig config, Model model, GradientSource source, List<TrainingListener> listeners,
      Checkpoints checkpoints, TrainerState resume) {
    this.config = config;
    this.model = model;
    this.source = source;
    this.listeners = List.copyOf(listeners);
    this.layout = model.layout();
    this.reg = config.regularizer();
    this.checkpoints = checkpoints;
    this.resume = resume;
  }

  /**
   * This trainer saving checkpoints as {@code checkpoints} says (null: none), and continuing from
   * {@code resume} (null: from the start). A resumed run takes exactly the steps the interrupted
   * one had left, so it ends with the weights an uninterrupted run would have.
   */
  public Trainer withCheckpoints(Checkpoints checkpoints, TrainerState resume) {
    return new Trainer(config, model, source, listeners, checkpoints, resume);
  }

  /** Trains θ in place from its current value and returns the result (θ included). */
  public TrainingResult fit(double[] theta) {
    if (theta.length != layout.size()) {
      throw new IllegalArgumentException("θ has " + theta.length + " values, the model " + layout.size());
    }
    if (source.trainRows() == 0) {
      throw new IllegalStateException("no training rows");
    }
    if (checkpoints != null || resume != null) {
      Checkpoints.requireMinibatch(config.optimizer().name());
    }
    if (resume != null) {
      String expected = checkpoints != null ? checkpoints.settings() : resume.settings();
      if (!resume.settings().equals(expected)) {
        throw BadInputException.of("--resume", "the checkpoint was written by a run with other settings",
            expected, resume.settings());
      }
      if (resume.theta().length != theta.length) {
        throw BadInputException.of("--resume", "checkpoint θ does not fit the model", theta.length + " parameters",
            resume.theta().length + " parameters");
      }
      System.arraycopy(resume.theta(), 0, theta, 0, theta.length);
    }
    return switch (config.optimizer().name()) {
      case "random-search" -> randomSearch(theta);
      case "gd" -> fullBatch(theta);
      default -> config.localSteps() > 1 ? localSteps(theta) : minibatch(theta);
    };
  }

  private TrainingResult minibatch(double[] theta) {
    int steps = BatchPlan.stepsPerEpoch(source.trainRows(), config.batchSize());
    Optimizer optimizer = config.optimizer().create(layout);
    Schedule schedule = config.schedule().create(config.epochs(), steps);
    MaxNorm maxNorm = config.maxNorm() > 0 ? new MaxNorm(config.maxNorm()) : null;
    Run run = new Run(steps, theta.length);
    int firstEpoch = run.resume(optimizer);
    for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      int first = run.firstStep(epoch);
      double lr = first > 0 ? schedule.rateAt(run.global - 1, steps) : Double.NaN; // the rate of the step before
      for (int s = first; s < steps; s++) {
        long t0 = System.nanoTime();
        lr = schedule.rateAt(run.global, steps);
        GradientAccumulator acc = source.gradient(theta, new StepPlan(epoch, s, steps, run.global));
        if (acc.weightSum() <= 0) {
          continue; // no row (or only zero-weight rows) reached this step: nothing to learn from
        }
        Objective f = objective(acc, theta, epoch, lr, run.global);
        run.before(theta);
        optimizer.stepInPlace(theta, f.gradient, lr);
        if (maxNorm != null) {
          maxNorm.projectInPlace(theta, layout);
        }
        run.step(epoch, f, lr, acc.rows(), t0, acc.computeNanos(), run.layers(theta));
        if (checkpoints != null && checkpoints.dueAfterSteps(run.global - 1, run.global)) {
          run.checkpoint(epoch, s + 1, theta, optimizer);
        }
      }
      if (run.endEpoch(epoch, lr, epochStart, theta, null)) {
        break;
      }
      if (checkpoints != null && checkpoints.dueAfterEpoch(epoch)) {
        run.checkpoint(epoch + 1, 0, theta, optimizer);
      }
    }
    return run.finish(theta);
  }

  /**
   * {@code --local-steps K > 1}: one job per K steps. Every partition takes the K steps of plain
   * SGD on its own rows from θ ({@link ShardComputer#localSteps}); the driver averages the local
   * models (weighted by the rows each used) and hands the average move Δ to the configured
   * optimizer as a pseudo-gradient:
   * <pre>
   *   Δ = Σ_p w_p (θ_p - θ) / Σ_p w_p,     g̃ = -Δ / η₀,     θ ← optimizer(θ, g̃, η₀)   (η₀: the job's first rate)
   * </pre>
   * For SGD this is θ + Δ, model averaging (local SGD); for the others the server-side rule of
   * adaptive federated optimization. One partition, or K = 1, is sequential SGD again.
   */
  private TrainingResult localSteps(double[] theta) {
    int steps = BatchPlan.stepsPerEpoch(source.trainRows(), config.batchSize());
    int k = config.localSteps();
    Optimizer optimizer = config.optimizer().create(layout);
    Schedule schedule = config.schedule().create(config.epochs(), steps);
    MaxNorm maxNorm = config.maxNorm() > 0 ? new MaxNorm(config.maxNorm()) : null;
    Run run = new Run(steps, theta.length);
    int firstEpoch = run.resume(optimizer);
    for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      int first = run.firstStep(epoch);
      double lr = first > 0 ? schedule.rateAt(run.global - 1, steps) : Double.NaN; // the rate of the step before
      for (int s0 = first; s0 < steps; s0 += k) {
        long t0 = System.nanoTime();
        int count = Math.min(k, steps - s0);
        double[] rates = new double[count];
        for (int j = 0; j < count; j++) {
          rates[j] = schedule.rateAt(run.global + j, steps);
        }
        lr = rates[count - 1];
        LocalUpdate u = source.localSteps(theta, new LocalPlan(epoch, s0, count, steps, run.global), rates, reg);
        if (u.weightSum() <= 0) {
          continue;
        }
        double[] g = u.deltaSum();
        Blas.scal(-1.0 / (u.weightSum() * rates[0]), g); // g̃ = -Δ / η₀
        double gradNorm = Math.sqrt(Blas.sumOfSquares(g, 0, g.length));
        double penalty = reg.penalty(theta, layout);
        for (int j = 0; j < count; j++) {
          if (u.stepWeight(j) > 0 && !Double.isFinite(u.stepLoss(j))) {
            throw new DivergedException(run.global + j, epoch, "loss", u.stepLoss(j), rates[j]);
          }
        }
        if (!Double.isFinite(gradNorm)) {
          throw new DivergedException(run.global, epoch, "averaged update", gradNorm, rates[0]);
        }
        run.before(theta);
        optimizer.stepInPlace(theta, g, rates[0]);
        if (maxNorm != null) {
          maxNorm.projectInPlace(theta, layout);
        }
        List<LayerStats> layers = run.layers(theta); // the job's K steps moved θ together: one ratio for all
        long perStep = (System.nanoTime() - t0) / count;
        for (int j = 0; j < count; j++) {
          double dataLoss = u.stepLoss(j);
          run.step(epoch, new Objective(dataLoss + penalty, dataLoss, null, gradNorm), rates[j], u.rows() / count,
              System.nanoTime() - perStep, u.computeNanos() / count, layers);
        }
        // at job boundaries only: a job's K local steps are one update
        if (checkpoints != null && checkpoints.dueAfterSteps(run.global - count, run.global)) {
          run.checkpoint(epoch, s0 + count, theta, optimizer);
        }
      }
      if (run.endEpoch(epoch, lr, epochStart, theta, null)) {
        break;
      }
      if (checkpoints != null && checkpoints.dueAfterEpoch(epoch)) {
        run.checkpoint(epoch + 1, 0, theta, optimizer);
      }
    }
    return run.finish(theta);
  }

  private TrainingResult fullBatch(double[] theta) {
    LineSearch search = config.lineSearch();
    Schedule schedule = config.schedule().create(config.epochs(), 1);
    MaxNorm maxNorm = config.maxNorm() > 0 ? new MaxNorm(config.maxNorm()) : null;
    Run run = new Run(1, theta.length);
    double eta = config.learningRate();
    double[] next = new double[theta.length];
    for (int it = 0; it < config.epochs(); it++) {
      long t0 = System.nanoTime();
      GradientAccumulator acc = source.gradient(theta, new StepPlan(it, 0, 1, run.global));
      double lr = search.enabled() ? eta : schedule.rateAt(run.global, 1);
      Objective f = objective(acc, theta, it, lr, run.global);
      double gg = f.gradNorm * f.gradNorm;
      Evaluation trainAtNext = null;
      double fNext = Double.NaN;
      boolean accepted = !search.enabled();
      for (int trial = 0; search.enabled() && trial < 60 && !accepted; trial++) {
        step(theta, f.gradient, lr, next);
        trainAtNext = source.evaluate(next, Split.TRAIN);   // one distributed loss pass per trial
        fNext = trainAtNext.loss() + reg.penalty(next, layout);
        accepted = fNext <= f.loss - search.c() * lr * gg;  // Armijo: sufficient decrease
        if (!accepted) {
          lr *= search.shrink();
        }
      }
      if (!accepted && !Double.isFinite(fNext)) {
        // every trial step, down to the smallest, gave a non-finite loss: the rate is too high, not converged
        throw new DivergedException(run.global, it, "loss at every line-search trial (the last at this rate)", fNext,
            lr / search.shrink());
      }
      if (!accepted) {
        run.stopReason = "line search failed";
        run.endEpoch(it, lr, t0, theta, null);
        break;
      }
      if (!search.enabled()) {
        step(theta, f.gradient, lr, next);
      }
      double moved = distance(theta, next);
      run.before(theta);
      System.arraycopy(next, 0, theta, 0, theta.length);
      if (maxNorm != null && maxNorm.projectInPlace(theta, layout) > 0) {
        trainAtNext = null; // θ changed after the line search: evaluate again
      }
      eta = lr * 2; // the next search starts from twice the accepted step
      run.step(it, f, lr, acc.rows(), t0, acc.computeNanos(), run.layers(theta));
      boolean converged = moved < search.tol()
          || (!Double.isNaN(fNext) && Math.abs(f.loss - fNext) <= search.tol() * Math.max(Math.abs(f.loss), 1e-300));
      if (run.endEpoch(it, lr, t0, theta, trainAtNext)) {
        break;
      }
      if (converged && search.tol() > 0) {
        run.stopReason = "converged";
        break;
      }
    }
    return run.finish(theta);
  }

  private TrainingResult randomSearch(double[] theta) {
    Run run = new Run(config.trials(), theta.length);
    double[] candidate = new double[theta.length];
    double best = Double.POSITIVE_INFINITY;
    Evaluation bestTrain = null;
    long start = System.nanoTime();
    for (int trial = 0; trial < config.trials(); trial++) {
      long t0 = System.nanoTime();
      config.model().initializer().initialize(layout, candidate, BatchPlan.mix(config.seed(), trial, -1));
      Evaluation train = source.evaluate(candidate, Split.TRAIN); // one distributed loss pass per trial
      double loss = train.loss() + reg.penalty(candidate, layout);
      if (loss < best) {
        best = loss;
        bestTrain = train;
        System.arraycopy(candidate, 0, theta, 0, theta.length);
      }
      run.step(0, new Objective(loss, train.loss(), null, Double.NaN), 0.0, train.rows(), t0, 0L, List.of());
    }
    run.stopReason = "trials";
    run.endEpoch(0, 0.0, start, theta, bestTrain);
    return run.finish(theta);
  }

  /** The minibatch objective: loss, data loss and the mean gradient (with regularization), checked finite. */
  private record Objective(double loss, double dataLoss, double[] gradient, double gradNorm) {}

  private Objective objective(GradientAccumulator acc, double[] theta, int epoch, double lr, long step) {
    double[] g = acc.gradSum();
    Blas.scal(1.0 / acc.weightSum(), g);
    double dataLoss = acc.lossSum() / acc.weightSum();
    double loss = dataLoss + reg.penalty(theta, layout);
    reg.addGradient(theta, layout, g);
    double gradNorm = Math.sqrt(Blas.sumOfSquares(g, 0, g.length));
    if (!Double.isFinite(loss)) {
      throw new DivergedException(step, epoch, "loss", loss, lr);
    }
    if (!Double.isFinite(gradNorm)) {
      throw new DivergedException(step, epoch, "gradient norm", gradNorm, lr);
    }
    return new Objective(loss, dataLoss, g, gradNorm);
  }

  /** {@code out = θ - η·g}. */
  private static void step(double[] theta, double[] g, double lr, double[] out) {
    for (int i = 0; i < theta.length; i++) {
      out[i] = theta[i] - lr * g[i];
    }
  }

  private static double distance(double[] a, double[] b) {
    double sq = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sq += d * d;
    }
    return Math.sqrt(sq);
  }

  /** The bookkeeping of one run: records, timings, early stopping, the best weights. */
  private final class Run {
    final int stepsPerEpoch;
    final List<Double> stepTimes = new ArrayList<>();
    final List<EpochRecord> epochs = new ArrayList<>();
    final long fitStart = System.nanoTime();
    final EarlyStopping stopping = config.earlyStopping();
    long global;
    double stepSeconds;
    String stopReason = "epochs";
    double bestScore = Double.NEGATIVE_INFINITY;
    double[] bestTheta;
    int bestEpoch = -1;
    int sinceBest;
    double[] beforeUpdate;
    double firstLoss = Double.NaN;

    Run(int stepsPerEpoch, int parameters) {
      this.stepsPerEpoch = stepsPerEpoch;
      for (TrainingListener l : listeners) {
        l.onStart(stepsPerEpoch, source.trainRows(), source.partitions(), parameters);
      }
    }

    /**
     * Takes over the interrupted run's bookkeeping and the optimizer's state when resuming;
     * returns the epoch to continue in (0 when starting afresh).
     */
    int resume(Optimizer optimizer) {
      if (resume == null) {
        return 0;
      }
      if (!resume.optimizer().equals(optimizer.name())) {
        throw BadInputException.of("--resume", "the checkpoint was written with another optimizer", optimizer.name(),
            resume.optimizer());
      }
      optimizer.restoreInPlace(resume.optimizerState(), resume.optimizerSteps());
      global = resume.global();
      epochs.addAll(resume.epochs());
      bestScore = resume.bestScore();
      bestTheta = resume.bestTheta() == null ? null : resume.bestTheta().clone();
      bestEpoch = resume.bestEpoch();
      sinceBest = resume.sinceBest();
      firstLoss = resume.firstLoss();
      stepSeconds = resume.stepSeconds();
      return resume.epoch();
    }

    /** The first step to take in {@code epoch}: where the checkpoint left off in the resumed epoch, else 0. */
    int firstStep(int epoch) {
      return resume != null && epoch == resume.epoch() ? resume.step() : 0;
    }

    /** Saves the run as it stands: {@code step} is the next step of {@code epoch} to take. */
    void checkpoint(int epoch, int step, double[] theta, Optimizer optimizer) {
      TrainerState state = new TrainerState(checkpoints.settings(), epoch, step, global, theta, optimizer.name(),
          optimizer.state(), optimizer.stepCount(), bestScore, bestTheta, bestEpoch, sinceBest, firstLoss, stepSeconds,
          List.copyOf(epochs));
      checkpoints.save(state);
    }

    /** Keeps θ before an update, for {@link #layers}. */
    void before(double[] theta) {
      if (beforeUpdate == null) {
        beforeUpdate = new double[theta.length];
      }
      System.arraycopy(theta, 0, beforeUpdate, 0, theta.length);
    }

    /** The update/weight ratios and weight statistics of the update since {@link #before}. */
    List<LayerStats> layers(double[] theta) {
      return LayerStats.measure(layout, beforeUpdate, theta);
    }

    void step(int epoch, Objective f, double lr, long rows, long t0, long computeNanos, List<LayerStats> layers) {
      double seconds = (System.nanoTime() - t0) / 1e9;
      stepTimes.add(seconds);
      StepRecord record = new StepRecord(global, epoch, f.loss(), f.dataLoss(), lr, rows, f.gradNorm(), seconds,
          computeNanos / 1e9, layers);
      global++;
      for (TrainingListener l : listeners) {
        l.onStep(record);
      }
      if (Double.isNaN(firstLoss)) {
        firstLoss = f.loss();
      } else if (config.abortFactor() > 0 && f.loss() > config.abortFactor() * firstLoss) {
        throw DivergedException.exploded(record.step(), epoch, f.loss(), config.abortFactor(), firstLoss, lr);
      }
    }

    /**
     * Evaluates θ on every split ({@code trainKnown}, when given, is the training evaluation at θ
     * already made), notifies the listeners and applies early stopping. True when training stops.
     */
    boolean endEpoch(int epoch, double lr, long epochStart, double[] theta, Evaluation trainKnown) {
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      stepSeconds += seconds;
      long evalStart = System.nanoTime();
      Evaluation train = trainKnown != null ? trainKnown : source.evaluate(theta, Split.TRAIN);
      Evaluation val = source.evaluate(theta, Split.VALIDATION);
      Evaluation test = source.evaluate(theta, Split.TEST);
      requireFinite(epoch, lr, theta, train, val, test);
      EpochRecord record = new EpochRecord(epoch, lr, global, seconds, (System.nanoTime() - evalStart) / 1e9,
          train, val, test);
      epochs.add(record);
      for (TrainingListener l : listeners) {
        l.onEpoch(record);
      }
      if (!stopping.enabled()) {
        bestEpoch = epochs.size() - 1;
        return false;
      }
      if (val == null) {
        throw BadInputException.of("--early-stopping " + stopping.metric(), "no validation data",
            "a validation split (--val-fraction > 0)", "none");
      }
      double score = stopping.score(record);
      if (score > bestScore) {
        bestScore = score;
        bestTheta = theta.clone();
        bestEpoch = epochs.size() - 1;
        sinceBest = 0;
        return false;
      }
      if (++sinceBest >= stopping.patience()) {
        stopReason = "early stopping";
        return true;
      }
      return false;
    }

    /** NaN or infinity in θ or in an evaluation's loss ends the run as diverged, never as a saved model. */
    private void requireFinite(int epoch, double lr, double[] theta, Evaluation... evaluations) {
      for (int i = 0; i < theta.length; i++) {
        if (!Double.isFinite(theta[i])) {
          throw new DivergedException(global, epoch, "weight " + layout.describe(i), theta[i], lr);
        }
      }
      for (Evaluation e : evaluations) {
        if (e != null && e.weightSum() > 0 && !Double.isFinite(e.loss())) {
          throw new DivergedException(global, epoch, "loss on the evaluated rows", e.loss(), lr);
        }
      }
    }

    TrainingResult finish(double[] theta) {
      if (bestTheta != null) {
        System.arraycopy(bestTheta, 0, theta, 0, theta.length); // early stopping keeps the best epoch's weights
      }
      double[] times = stepTimes.stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(times);
      double median = times.length == 0 ? Double.NaN
          : times.length % 2 == 1 ? times[times.length / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
      return new TrainingResult(theta, List.copyOf(epochs), global, stepsPerEpoch, (System.nanoTime() - fitStart) / 1e9,
          stepSeconds, median, Math.max(bestEpoch, 0), stopReason);
    }
  }
}
