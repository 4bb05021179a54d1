package io.downhill.train;

import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import java.util.List;

/**
 * {@code --local-steps K > 1}: one job per K steps. Every partition takes the K steps of plain
 * SGD on its own rows from θ ({@link io.downhill.shard.ShardComputer#localSteps}); the driver
 * averages the local models (weighted by the rows each used) and hands the average move Δ to the
 * configured update rule as a pseudo-gradient:
 * <pre>
 *   Δ = Σ_p w_p (θ_p - θ) / Σ_p w_p,     g̃ = -Δ / η₀,     θ ← optimizer(θ, g̃, η₀)   (η₀: the job's first rate)
 * </pre>
 * For SGD this is θ + Δ, model averaging (local SGD); for the others the server-side rule of
 * adaptive federated optimization. One partition, or K = 1, is sequential SGD again. The rule is
 * {@link SyncStep#applyAveraged}, which the collective transport's tasks run too ({@link Collective}).
 */
final class LocalSteps extends Stepwise {

  @Override
  int stride(TrainingConfig config) {
    return config.localSteps();
  }

  @Override
  double steps(Run run, double[] theta, Rule rule, int epoch, int s0, int count, int steps) {
    long t0 = System.nanoTime();
    double[] rates = SyncStep.rates(rule.schedule(), run.global(), count, steps);
    LocalUpdate u = run.source().localSteps(theta, new LocalPlan(epoch, s0, count, steps, run.global()), rates,
        run.config().regularizer());
    if (u.weightSum() <= 0) {
      return rates[count - 1];
    }
    Objective[] f = run.syncStep().applyAveraged(u, theta, rule.state(), rule.optimizer(), run.global(), epoch, rates,
        run.beforeBuffer(theta.length));
    List<LayerStats> layers = run.layers(theta); // the job's K steps moved θ together: one ratio for all
    long perStep = (System.nanoTime() - t0) / count;
    for (int j = 0; j < count; j++) {
      run.step(epoch, f[j], rates[j], u.rows() / count, System.nanoTime() - perStep, u.computeNanos() / count, layers);
    }
    run.checkpointAfterSteps(count, epoch, s0 + count, theta); // at job boundaries: a job's K steps are one update
    return rates[count - 1];
  }
}
