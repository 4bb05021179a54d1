package io.downhill.train;

import io.downhill.optim.schedule.Schedule;
import io.downhill.shard.Evaluation;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.Split;
import io.downhill.shard.StepPlan;

/**
 * {@code gd}: full-batch gradient descent, the sgd rule on the gradient of every training row, one
 * iteration per epoch, with a backtracking (Armijo) line search whose every trial is one
 * distributed loss pass ({@link LineSearch}); without the search, the schedule's rate.
 */
final class FullBatch implements Driver {

  @Override
  public int stepsPerEpoch(TrainingConfig config, GradientSource source) {
    return 1;
  }

  @Override
  public TrainingResult train(Run run, double[] theta) {
    TrainingConfig config = run.config();
    LineSearch search = config.lineSearch();
    Schedule schedule = config.schedule().create(config.epochs(), 1);
    double eta = config.learningRate();
    double[] next = new double[theta.length];
    for (int it = 0; it < config.epochs(); it++) {
      long t0 = System.nanoTime();
      GradientAccumulator acc = run.source().gradient(theta, new StepPlan(it, 0, 1, run.global()));
      double lr = search.enabled() ? eta : schedule.rateAt(run.global(), 1);
      Objective f = run.objective(acc, theta, it, lr);
      double gg = f.gradNorm() * f.gradNorm();
      Evaluation trainAtNext = null;
      double fNext = Double.NaN;
      boolean accepted = !search.enabled();
      for (int trial = 0; search.enabled() && trial < 60 && !accepted; trial++) {
        step(theta, f.gradient(), lr, next);
        trainAtNext = run.source().evaluate(next, Split.TRAIN); // one distributed loss pass per trial
        fNext = trainAtNext.loss() + run.penalty(next);
        accepted = fNext <= f.loss() - search.c() * lr * gg;    // Armijo: sufficient decrease
        if (!accepted) {
          lr *= search.shrink();
        }
      }
      if (!accepted && !Double.isFinite(fNext)) {
        // every trial step, down to the smallest, gave a non-finite loss: the rate is too high, not converged
        throw new DivergedException(run.global(), it, "loss at every line-search trial (the last at this rate)", fNext,
            lr / search.shrink());
      }
      if (!accepted) {
        run.stop("line search failed");
        run.endEpoch(it, lr, t0, theta, null);
        break;
      }
      if (!search.enabled()) {
        step(theta, f.gradient(), lr, next);
      }
      double moved = distance(theta, next);
      run.before(theta);
      System.arraycopy(next, 0, theta, 0, theta.length);
      if (run.constrainInPlace(theta) > 0) {
        trainAtNext = null; // θ changed after the line search: evaluate again
      }
      if (run.mergeStatsInPlace(theta, acc)) {
        trainAtNext = null; // the layers' statistics moved θ too
      }
      eta = lr * 2; // the next search starts from twice the accepted step
      run.step(it, f, lr, acc.rows(), t0, acc.computeNanos(), run.layers(theta));
      boolean converged = moved < search.tol()
          || (!Double.isNaN(fNext) && Math.abs(f.loss() - fNext) <= search.tol() * Math.max(Math.abs(f.loss()), 1e-300));
      if (run.endEpoch(it, lr, t0, theta, trainAtNext)) {
        break;
      }
      if (converged && search.tol() > 0) {
        run.stop("converged");
        break;
      }
    }
    return run.finish(theta);
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
}
