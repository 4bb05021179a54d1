package io.downhill.train;

import io.downhill.linalg.Blas;
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
 * adaptive federated optimization. One partition, or K = 1, is sequential SGD again.
 */
final class LocalSteps extends Stepwise {

  @Override
  int stride(TrainingConfig config) {
    return config.localSteps();
  }

  @Override
  double steps(Run run, double[] theta, Rule rule, int epoch, int s0, int count, int steps) {
    long t0 = System.nanoTime();
    double[] rates = new double[count];
    for (int j = 0; j < count; j++) {
      rates[j] = rule.schedule().rateAt(run.global() + j, steps);
    }
    double lr = rates[count - 1];
    LocalUpdate u = run.source().localSteps(theta, new LocalPlan(epoch, s0, count, steps, run.global()), rates,
        run.config().regularizer());
    if (u.weightSum() <= 0) {
      return lr;
    }
    double[] g = u.deltaSum();
    Blas.scal(-1.0 / (u.weightSum() * rates[0]), g); // g̃ = -Δ / η₀
    double gradNorm = Math.sqrt(Blas.sumOfSquares(g, 0, g.length));
    double penalty = run.penalty(theta);
    for (int j = 0; j < count; j++) {
      if (u.stepWeight(j) > 0 && !Double.isFinite(u.stepLoss(j))) {
        throw new DivergedException(run.global() + j, epoch, "loss", u.stepLoss(j), rates[j]);
      }
    }
    if (!Double.isFinite(gradNorm)) {
      throw new DivergedException(run.global(), epoch, "averaged update", gradNorm, rates[0]);
    }
    run.before(theta);
    rule.optimizer().stepInPlace(theta, g, rule.state(), rates[0]);
    run.constrainInPlace(theta);
    List<LayerStats> layers = run.layers(theta); // the job's K steps moved θ together: one ratio for all
    long perStep = (System.nanoTime() - t0) / count;
    for (int j = 0; j < count; j++) {
      double dataLoss = u.stepLoss(j);
      run.step(epoch, new Objective(dataLoss + penalty, dataLoss, null, gradNorm), rates[j], u.rows() / count,
          System.nanoTime() - perStep, u.computeNanos() / count, layers);
    }
    run.checkpointAfterSteps(count, epoch, s0 + count, theta); // at job boundaries: a job's K steps are one update
    return lr;
  }
}
