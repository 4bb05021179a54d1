package io.downhill.train;

import io.downhill.shard.Evaluation;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.shard.StepPlan;

/**
 * Where the partitions live and how a step reaches them. One accumulator type, two drivers:
 * {@link LocalGradientSource} in this JVM and the Spark source on a cluster must agree.
 */
public interface GradientSource {

  /** N, the training rows. */
  long trainRows();

  /** P, the number of partitions. */
  int partitions();

  /** The merged accumulators of every partition's share of step {@code plan} at parameters θ. */
  GradientAccumulator gradient(double[] theta, StepPlan plan);

  /**
   * The merged results of every partition taking the local steps of {@code plan} from θ
   * ({@link ShardComputer#localSteps}), at the given rates (one per step).
   */
  LocalUpdate localSteps(double[] theta, LocalPlan plan, double[] rates, io.downhill.loss.Regularizer reg);

  /**
   * The collective transport of synchronous steps (exact, or jobs of local steps) over these
   * partitions, or null when steps go through {@link #gradient} and {@link #localSteps} (a Spark job
   * each, or in this JVM).
   */
  default Segments segments() {
    return null;
  }

  /** Evaluation over a whole split, or null when this run has no such split. */
  Evaluation evaluate(double[] theta, Split split);
}
