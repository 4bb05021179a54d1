package io.downhill.train;

import io.downhill.optim.Optimizer;
import io.downhill.optim.OptimizerState;
import io.downhill.optim.schedule.Schedule;
import io.downhill.shard.BatchPlan;

/**
 * The epoch loop of the algorithms that move θ with an update rule in minibatch steps
 * ({@link Minibatch}, {@link LocalSteps}, {@link Collective}): S steps an epoch, taken
 * {@link #stride} at a time (one Spark job, or one collective segment, each), resumed mid-epoch from a checkpoint, evaluated and checkpointed at every
 * epoch's end. A subclass says what one job does.
 */
abstract class Stepwise implements Driver {

  @Override
  public final int stepsPerEpoch(TrainingConfig config, GradientSource source) {
    return BatchPlan.stepsPerEpoch(source.trainRows(), config.batchSize());
  }

  /** Steps one job (or segment) takes at most. */
  abstract int stride(TrainingConfig config);

  /** What one job needs besides θ: the rule, its state and the rates. */
  record Rule(Optimizer optimizer, OptimizerState state, Schedule schedule) {}

  /**
   * Takes the {@code count} steps of epoch {@code epoch} from step {@code first} (of {@code steps}),
   * updating θ in place and reporting each step to {@code run}; returns the rate of the last one.
   */
  abstract double steps(Run run, double[] theta, Rule rule, int epoch, int first, int count, int steps);

  @Override
  public final TrainingResult train(Run run, double[] theta) {
    TrainingConfig config = run.config();
    int steps = run.stepsPerEpoch();
    int stride = stride(config);
    Optimizer optimizer = config.optimizer().rule();
    OptimizerState state = optimizer.newState(run.layout());
    Rule rule = new Rule(optimizer, state, config.schedule().create(config.epochs(), steps));
    int firstEpoch = run.start(optimizer, state);
    for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      int first = run.firstStep(epoch);
      double lr = first > 0 ? rule.schedule().rateAt(run.global() - 1, steps) : Double.NaN; // the rate of the step before
      for (int s = first; s < steps;) {
        int count = Math.min(stride, steps - s);
        double last = steps(run, theta, rule, epoch, s, count, steps);
        lr = Double.isNaN(last) ? lr : last;
        s += count;
      }
      if (run.endEpoch(epoch, lr, epochStart, theta, null)) {
        break;
      }
      run.checkpointAfterEpoch(epoch, theta);
    }
    return run.finish(theta);
  }
}
