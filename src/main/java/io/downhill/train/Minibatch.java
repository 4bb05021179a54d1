package io.downhill.train;

import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.StepPlan;

/**
 * Minibatch training with an update rule (any of {@code optim.OptimizerConfig}'s registry):
 * each step one call to the {@link GradientSource} (one Spark job when distributed) brings the
 * summed minibatch gradient; the driver averages it, adds the regularization gradient and lets
 * the rule update θ in place, then applies the max-norm constraint ({@link SyncStep}, which the
 * collective transport's tasks run too):
 * <pre>
 *   g = (Σ_i w_i ∂L_i/∂θ) / Σ_i w_i  +  ∂R/∂θ,     θ ← optimizer(θ, g, η(t))
 * </pre>
 */
final class Minibatch extends Stepwise {

  @Override
  int stride(TrainingConfig config) {
    return 1;
  }

  @Override
  double steps(Run run, double[] theta, Rule rule, int epoch, int s, int count, int steps) {
    long t0 = System.nanoTime();
    double lr = rule.schedule().rateAt(run.global(), steps);
    GradientAccumulator acc = run.source().gradient(theta, new StepPlan(epoch, s, steps, run.global()));
    if (acc.weightSum() <= 0) {
      return lr; // no row (or only zero-weight rows) reached this step: nothing to learn from
    }
    Objective f = run.syncStep().apply(acc, theta, rule.state(), rule.optimizer(), run.global(), epoch, lr,
        run.beforeBuffer(theta.length));
    run.step(epoch, f, lr, acc.rows(), t0, acc.computeNanos(), run.layers(theta));
    run.checkpointAfterSteps(1, epoch, s + 1, theta);
    return lr;
  }
}
