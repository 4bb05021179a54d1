package io.downhill.train;

import io.downhill.linalg.Blas;
import io.downhill.optim.Optimizer;
import io.downhill.optim.OptimizerState;
import io.downhill.optim.schedule.Schedule;
import io.downhill.shard.BatchPlan;
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
final class LocalSteps implements Driver {

  @Override
  public int stepsPerEpoch(TrainingConfig config, GradientSource source) {
    return BatchPlan.stepsPerEpoch(source.trainRows(), config.batchSize());
  }

  @Override
  public TrainingResult train(Run run, double[] theta) {
    TrainingConfig config = run.config();
    int steps = run.stepsPerEpoch();
    int k = config.localSteps();
    Optimizer optimizer = config.optimizer().rule();
    OptimizerState state = optimizer.newState(run.layout());
    Schedule schedule = config.schedule().create(config.epochs(), steps);
    int firstEpoch = run.start(optimizer, state);
    for (int epoch = firstEpoch; epoch < config.epochs(); epoch++) {
      long epochStart = System.nanoTime();
      int first = run.firstStep(epoch);
      double lr = first > 0 ? schedule.rateAt(run.global() - 1, steps) : Double.NaN; // the rate of the step before
      for (int s0 = first; s0 < steps; s0 += k) {
        long t0 = System.nanoTime();
        int count = Math.min(k, steps - s0);
        double[] rates = new double[count];
        for (int j = 0; j < count; j++) {
          rates[j] = schedule.rateAt(run.global() + j, steps);
        }
        lr = rates[count - 1];
        LocalUpdate u = run.source().localSteps(theta, new LocalPlan(epoch, s0, count, steps, run.global()), rates,
            config.regularizer());
        if (u.weightSum() <= 0) {
          continue;
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
        optimizer.stepInPlace(theta, g, state, rates[0]);
        run.constrainInPlace(theta);
        List<LayerStats> layers = run.layers(theta); // the job's K steps moved θ together: one ratio for all
        long perStep = (System.nanoTime() - t0) / count;
        for (int j = 0; j < count; j++) {
          double dataLoss = u.stepLoss(j);
          run.step(epoch, new Objective(dataLoss + penalty, dataLoss, null, gradNorm), rates[j], u.rows() / count,
              System.nanoTime() - perStep, u.computeNanos() / count, layers);
        }
        run.checkpointAfterSteps(count, epoch, s0 + count, theta); // at job boundaries: a job's K steps are one update
      }
      if (run.endEpoch(epoch, lr, epochStart, theta, null)) {
        break;
      }
      run.checkpointAfterEpoch(epoch, theta);
    }
    return run.finish(theta);
  }
}
