package io.downhill.train;

import java.util.Arrays;

/**
 * Synchronous minibatch steps on the collective transport ({@link Segments}): the same steps as
 * {@link Minibatch} (or, with {@code --local-steps K > 1}, the same jobs of K local steps as
 * {@link LocalSteps}), with the same bits, but the driver starts a segment of many steps at a time
 * instead of a Spark job per step (or per job). A segment runs to the epoch's end, or to the end of
 * the step (or job) after which a checkpoint is due; afterwards the driver takes over θ and the
 * optimizer state, and records each step from the segment's reports (loss, rate, update ratios) as
 * if it had taken it itself.
 */
final class Collective extends Stepwise {
  private final Segments segments;

  Collective(Segments segments) {
    this.segments = segments;
  }

  @Override
  int stride(TrainingConfig config) {
    return Integer.MAX_VALUE; // the rest of the epoch: steps() cuts it at due checkpoints
  }

  @Override
  double steps(Run run, double[] theta, Rule rule, int epoch, int s0, int count, int steps) {
    int k = run.config().localSteps();
    double lr = Double.NaN;
    for (int s = s0; s < s0 + count;) {
      int length = run.stepsBeforeCheckpoint(s0 + count - s, k);
      Segment.Result r = segments.run(new Segment(epoch, s, length, steps, k, run.global(), theta.clone(),
          copy(rule.state().arrays()), rule.state().steps(), rule.schedule()), run.syncStep(),
          (step, loss) -> run.progress(epoch, step, loss));
      System.arraycopy(r.theta(), 0, theta, 0, theta.length);
      rule.state().restoreInPlace(r.state(), r.stateSteps());
      for (Segment.StepReport step : r.reports()) {
        run.step(epoch, new Objective(step.loss(), step.dataLoss(), null, step.gradNorm()), step.lr(), step.rows(),
            System.nanoTime() - step.nanos(), step.computeNanos(), step.layers());
        lr = step.lr();
      }
      if (r.diverged() != null) {
        throw r.diverged();
      }
      s += length;
      run.checkpointAfterSteps((length - 1) % k + 1, epoch, s, theta); // as after the segment's last step (or job)
    }
    return lr;
  }

  private static java.util.Map<String, double[]> copy(java.util.Map<String, double[]> arrays) {
    java.util.Map<String, double[]> out = new java.util.TreeMap<>();
    arrays.forEach((name, a) -> out.put(name, Arrays.copyOf(a, a.length)));
    return out;
  }
}
