package io.downhill.train;

import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import io.downhill.shard.Evaluation;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import io.downhill.shard.Rounds;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.shard.StepPlan;
import java.util.List;
import java.util.Map;

/**
 * Runs every partition's share in this JVM, in partition order: the reference the Spark source
 * is tested against, and the driver for small in-process runs. A step whose batch normalization
 * needs totals over the step's batch runs in {@link Rounds}, as a Spark job per round does.
 */
public final class LocalGradientSource implements GradientSource {
  private final ShardComputer computer;
  private final List<Shard> train;
  private final Map<Split, List<Shard>> eval;

  /**
   * @param eval the shards of each split to evaluate (TRAIN is usually {@code train} itself)
   */
  public LocalGradientSource(ShardComputer computer, List<Shard> train, Map<Split, List<Shard>> eval) {
    this.computer = computer;
    this.train = List.copyOf(train);
    this.eval = Map.copyOf(eval);
  }

  @Override
  public long trainRows() {
    long n = 0;
    for (Shard s : train) {
      n += s.rows();
    }
    return n;
  }

  @Override
  public int partitions() {
    return train.size();
  }

  @Override
  public GradientAccumulator gradient(double[] theta, StepPlan plan) {
    Buf params = computer.params(theta);
    return Rounds.run(known -> {
      GradientAccumulator acc = GradientAccumulator.empty();
      for (int p = 0; p < train.size(); p++) {
        acc.merge(computer.gradient(train.get(p), p, plan, params, new Rounds(known)));
      }
      return acc;
    });
  }

  @Override
  public LocalUpdate localSteps(double[] theta, LocalPlan plan, double[] rates, io.downhill.loss.Regularizer reg) {
    Buf params = computer.params(theta);
    LocalUpdate update = LocalUpdate.empty();
    for (int p = 0; p < train.size(); p++) {
      update.merge(computer.localSteps(train.get(p), p, plan, params, rates, reg));
    }
    return update;
  }

  @Override
  public Evaluation evaluate(double[] theta, Split split) {
    List<Shard> shards = eval.get(split);
    if (shards == null) {
      return null;
    }
    Buf params = computer.params(theta);
    Evaluation total = new Evaluation(computer.numClasses());
    for (Shard s : shards) {
      total.merge(computer.evaluate(s, params));
    }
    return total;
  }
}
