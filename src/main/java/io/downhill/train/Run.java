package io.downhill.train;

import io.downhill.BadInputException;
import io.downhill.model.Model;
import io.downhill.model.ParameterLayout;
import io.downhill.optim.Optimizer;
import io.downhill.optim.OptimizerState;
import io.downhill.shard.Evaluation;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bookkeeping of one run, shared by every algorithm's {@link Driver}: step and epoch records to
 * the listeners, the evaluation after every epoch, early stopping (keeping the best epoch's
 * weights), the abort rule, the divergence checks, the max-norm constraint, and resuming from and
 * saving checkpoints.
 */
final class Run {
  private final TrainingConfig config;
  private final Model model;
  private final ParameterLayout layout;
  private final GradientSource source;
  private final List<TrainingListener> listeners;
  private final Checkpoints checkpoints;
  private final TrainerState resume;
  private final int stepsPerEpoch;
  private final EarlyStopping stopping;
  private final SyncStep syncStep;
  private final List<Double> stepTimes = new ArrayList<>();
  private final List<EpochRecord> epochs = new ArrayList<>();
  private final long fitStart = System.nanoTime();
  private long global;
  private double stepSeconds;
  private String stopReason = "epochs";
  private double bestScore = Double.NEGATIVE_INFINITY;
  private double[] bestTheta;
  private int bestEpoch = -1;
  private int sinceBest;
  private double[] beforeUpdate;
  private double firstLoss = Double.NaN;
  private Optimizer optimizer;
  private OptimizerState optimizerState;

  /** Starts the run: the listeners hear of it now. */
  Run(TrainingConfig config, Model model, GradientSource source, List<TrainingListener> listeners,
      Checkpoints checkpoints, TrainerState resume, int stepsPerEpoch) {
    this.config = config;
    this.model = model;
    this.layout = model.layout();
    this.source = source;
    this.listeners = listeners;
    this.checkpoints = checkpoints;
    this.resume = resume;
    this.stepsPerEpoch = stepsPerEpoch;
    this.stopping = config.earlyStopping();
    this.syncStep = new SyncStep(model, config);
    for (TrainingListener l : listeners) {
      l.onStart(stepsPerEpoch, source.trainRows(), source.partitions(), layout.size());
    }
  }

  TrainingConfig config() {
    return config;
  }

  ParameterLayout layout() {
    return layout;
  }

  GradientSource source() {
    return source;
  }

  int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /** Steps taken so far, over all epochs. */
  long global() {
    return global;
  }

  /** Ends the run for {@code reason} (reported as the result's stop reason). */
  void stop(String reason) {
    stopReason = reason;
  }

  /**
   * The update rule and its state the steps use, which checkpoints save. When resuming, takes over
   * the interrupted run's bookkeeping and restores the state; returns the epoch to continue in (0
   * when starting afresh).
   */
  int start(Optimizer rule, OptimizerState state) {
    optimizer = rule;
    optimizerState = state;
    if (resume == null) {
      return 0;
    }
    if (!resume.optimizer().equals(rule.name())) {
      throw BadInputException.setting("resume", "the checkpoint was written with another optimizer", rule.name(),
          resume.optimizer());
    }
    state.restoreInPlace(resume.optimizerState(), resume.optimizerSteps());
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

  /**
   * Saves a checkpoint if one is due after the last {@code count} steps (one step, or a job's K
   * local steps); {@code next} is the next step of {@code epoch} to take.
   */
  void checkpointAfterSteps(int count, int epoch, int next, double[] theta) {
    if (checkpoints != null && checkpoints.dueAfterSteps(global - count, global)) {
      checkpoint(epoch, next, theta);
    }
  }

  /** Saves a checkpoint if one is due at the end of {@code epoch}. */
  void checkpointAfterEpoch(int epoch, double[] theta) {
    if (checkpoints != null && checkpoints.dueAfterEpoch(epoch)) {
      checkpoint(epoch + 1, 0, theta);
    }
  }

  private void checkpoint(int epoch, int step, double[] theta) {
    checkpoints.save(new TrainerState(checkpoints.settings(), epoch, step, global, theta, optimizer.name(),
        optimizerState.arrays(), optimizerState.steps(), bestScore, bestTheta, bestEpoch, sinceBest, firstLoss,
        stepSeconds, List.copyOf(epochs)));
  }

  /** The regularization penalty R(θ). */
  double penalty(double[] theta) {
    return config.regularizer().penalty(theta, layout);
  }

  /** The minibatch objective of {@code acc} at θ ({@link Objective#of}), at the current step. */
  Objective objective(GradientAccumulator acc, double[] theta, int epoch, double lr) {
    return Objective.of(acc, theta, config.regularizer(), layout, global, epoch, lr);
  }

  /** {@link SyncStep#mergeStatsInPlace}: a step's batch statistics into θ's state slices; whether θ changed. */
  boolean mergeStatsInPlace(double[] theta, GradientAccumulator acc) {
    return syncStep.mergeStatsInPlace(theta, acc);
  }

  /** The maths of one synchronous step (objective, update rule, max-norm, batch statistics). */
  SyncStep syncStep() {
    return syncStep;
  }

  /**
   * The steps left before a checkpoint is due, at most {@code max}, in jobs of {@code stride} steps
   * (1 for exact steps; the last job may be shorter): where a collective segment of up to
   * {@code max} steps must end, at the end of the job after which the jobs would save it.
   */
  int stepsBeforeCheckpoint(int max, int stride) {
    if (checkpoints == null) {
      return max;
    }
    for (int j = 0; j + stride < max; j += stride) {
      if (checkpoints.dueAfterSteps(global + j, global + j + stride)) {
        return j + stride;
      }
    }
    return max;
  }

  /** θ initialized as the settings say, seeded by {@code seed}: weights drawn, the rest by role. */
  void initializeInPlace(double[] theta, long seed) {
    model.initializeInPlace(config.model().initializer(), theta, seed);
  }

  /** {@link SyncStep#constrainInPlace}: the max-norm constraint; returns how many columns were rescaled. */
  int constrainInPlace(double[] theta) {
    return syncStep.constrainInPlace(theta);
  }

  /** Keeps θ before an update, for {@link #layers}. */
  void before(double[] theta) {
    System.arraycopy(theta, 0, beforeBuffer(theta.length), 0, theta.length);
  }

  /** Where θ before an update is kept for {@link #layers} (a {@link SyncStep} copies it there). */
  double[] beforeBuffer(int size) {
    if (beforeUpdate == null) {
      beforeUpdate = new double[size];
    }
    return beforeUpdate;
  }

  /** The update/weight ratios and weight statistics of the update since {@link #before}. */
  List<LayerStats> layers(double[] theta) {
    return LayerStats.measure(layout, beforeUpdate, theta);
  }

  /** A step reported while a collective segment runs, to the listeners ({@link TrainingListener#onProgress}). */
  void progress(int epoch, long step, double loss) {
    for (TrainingListener l : listeners) {
      l.onProgress(epoch, step, loss);
    }
  }

  /** Records a step that began at {@code t0}, and applies the abort rule. */
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
    DivergedException.requireFinite(global, epoch, lr, layout, theta, train, val, test);
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
      throw BadInputException.setting("earlyStopping", stopping.metric(), "no validation data",
          "a validation split ({validationFraction} > 0)", "none");
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

  /** The result: θ (the best epoch's under early stopping, copied into {@code theta}), records and timings. */
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
