package io.downhill.train;

import io.downhill.optim.Optimizer;
import io.downhill.optim.OptimizerState;
import io.downhill.optim.schedule.Schedule;
import io.downhill.shard.BatchPlan;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.StepPlan;

/**
 * Minibatch training with an update rule (sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw):
 * each step one call to the {@link GradientSource} (one Spark job when distributed) brings the
 * summed minibatch gradient; the driver averages it, adds the regularization gradient and lets
 * the rule update θ in place, then applies the max-norm constraint:
 * <pre>
 *   g = (Σ_i w_i ∂L_i/∂θ) / Σ_i w_i  +  ∂R/∂θ,     θ ← optimizer(θ, g, η(t))
 * </pre>
 */
final class Minibatch implements Driver {

  @Override
  public int stepsPerEpoch(TrainingConfig config, GradientSource source) {
    return BatchPlan.stepsPerEpoch(source.trainRows(), config.batchSize());
  }

  @Override
  public TrainingResult train(Run run, double[] theta) {
    TrainingConfig config = run.config();
    int steps = run.stepsPerEpoch();
    Optimizer optimizer = config.optimizer().rule();
    OptimizerState state = optimizer.newState(run.layout());
    Schedule schedule = config.schedule().create(config.epochs(), steps);
    int firstEpoch = run.start(optimizer, state);
    for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      int first = run.firstStep(epoch);
      double lr = first > 0 ? schedule.rateAt(run.global() - 1, steps) : Double.NaN; // the rate of the step before
      for (int s = first; s < steps; s++) {
        long t0 = System.nanoTime();
        lr = schedule.rateAt(run.global(), steps);
        GradientAccumulator acc = run.source().gradient(theta, new StepPlan(epoch, s, steps, run.global()));
        if (acc.weightSum() <= 0) {
          continue; // no row (or only zero-weight rows) reached this step: nothing to learn from
        }
        Objective f = run.objective(acc, theta, epoch, lr);
        run.before(theta);
        optimizer.stepInPlace(theta, f.gradient(), state, lr);
        run.constrainInPlace(theta);
        run.step(epoch, f, lr, acc.rows(), t0, acc.computeNanos(), run.layers(theta));
        run.checkpointAfterSteps(1, epoch, s + 1, theta);
      }
      if (run.endEpoch(epoch, lr, epochStart, theta, null)) {
        break;
      }
      run.checkpointAfterEpoch(epoch, theta);
    }
    return run.finish(theta);
  }
}
