package io.downhill.train;

import io.downhill.optim.schedule.Schedule;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A stretch of synchronous steps that the partitions take among themselves, without the driver
 * (the collective transport, {@link Segments}): {@code count} steps of {@code epoch} from step
 * {@code firstStep}, starting from θ and the optimizer state the driver holds; exact steps, or jobs
 * of {@code localSteps} local steps averaged. A segment ends where the driver must act: the epoch's
 * end (evaluation, early stopping) or a due checkpoint (at a job's end).
 *
 * @param localSteps K, the steps of a job ({@code --local-steps}); 1 for exact steps
 * @param global     the run's step count at the segment's start (seeds dropout, indexes the schedule)
 * @param theta      θ at the start, in double
 * @param state      the optimizer state's arrays by name, and its step count {@code stateSteps}
 */
public record Segment(int epoch, int firstStep, int count, int stepsPerEpoch, int localSteps, long global,
    double[] theta, Map<String, double[]> state, long stateSteps, Schedule schedule) implements Serializable {

  /**
   * What one step did, as the driver records it ({@link Run#step}).
   *
   * @param nanos the step's time in the task, arithmetic and exchange
   */
  public record StepReport(double loss, double dataLoss, double gradNorm, double lr, long rows, long computeNanos,
      List<LayerStats> layers, long nanos) implements Serializable {}

  /**
   * A segment's outcome: θ and the optimizer state after it, a report per step taken, and the
   * divergence that ended it early (null when none). {@code thetaHash} identifies θ, so that the
   * driver can check every task's replica ended equal. θ, the state and the reports are null/empty
   * from the tasks the driver does not listen to.
   */
  public record Result(double[] theta, Map<String, double[]> state, long stateSteps, List<StepReport> reports,
      DivergedException diverged, long thetaHash) implements Serializable {}
}
