package io.downhill.spark;

import io.downhill.data.Shard;
import io.downhill.train.Evaluation;
import io.downhill.train.GradientAccumulator;
import io.downhill.train.GradientSource;
import io.downhill.train.ShardComputer;
import io.downhill.train.Split;
import io.downhill.train.StepPlan;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The distributed step. For each step: broadcast θ (destroying the previous broadcast), then one
 * Spark job: every partition runs {@link ShardComputer#gradient} on its cached shard, and
 * {@code treeAggregate} merges the {@link GradientAccumulator}s up to the driver.
 *
 * <p>The zero value of the aggregation is an empty accumulator (no array), so what every task
 * carries besides the closure is a few bytes.
 */
public final class SparkGradientSource implements GradientSource, AutoCloseable {
  /** Job group of the per-step gradient jobs (see the Spark UI, and {@link GradientTaskCounter}). */
  public static final String STEP_GROUP = "downhill-step";
  public static final String EVAL_GROUP = "downhill-eval";

  private final JavaSparkContext jsc;
  private final TrainingData data;
  private final ShardComputer computer;
  private final int depth;
  private Broadcast<double[]> published;
  private double[] publishedValue;

  /**
   * @param depth treeAggregate depth (2 is Spark's default)
   */
  public SparkGradientSource(JavaSparkContext jsc, TrainingData data, ShardComputer computer, int depth) {
    this.jsc = jsc;
    this.data = data;
    this.computer = computer;
    this.depth = depth;
  }

  @Override
  public long trainRows() {
    return data.trainRows();
  }

  @Override
  public int partitions() {
    return data.train().getNumPartitions();
  }

  @Override
  public GradientAccumulator gradient(double[] theta, StepPlan plan) {
    Broadcast<double[]> weights = publish(theta);
    ShardComputer c = computer;
    jsc.setJobGroup(STEP_GROUP, String.format("downhill epoch %d, step %d/%d", plan.epoch() + 1, plan.step() + 1,
        plan.stepsPerEpoch()), false);
    return data.train()
        .mapPartitionsWithIndex((Integer p, Iterator<Shard> shards) -> shards.hasNext()
            ? Collections.singletonList(c.gradient(shards.next(), p, plan, weights.value())).iterator()
            : Collections.<GradientAccumulator>emptyIterator(), true)
        .treeAggregate(GradientAccumulator.empty(), GradientAccumulator::merge, GradientAccumulator::merge, depth);
  }

  @Override
  public Evaluation evaluate(double[] theta, Split split) {
    JavaRDD<Shard> shards = switch (split) {
      case TRAIN -> data.train();
      case VALIDATION -> data.validation();
      case TEST -> data.test();
    };
    if (shards == null) {
      return null;
    }
    jsc.setJobGroup(EVAL_GROUP, "downhill evaluation: " + split.key(), false);
    return evaluate(shards, computer, publish(theta), depth);
  }

  /** One job: the evaluation of the broadcast θ over every shard, merged by treeAggregate. */
  public static Evaluation evaluate(JavaRDD<Shard> shards, ShardComputer computer, Broadcast<double[]> theta,
      int depth) {
    return shards.map(shard -> computer.evaluate(shard, theta.value()))
        .treeAggregate(new Evaluation(computer.numClasses()), Evaluation::merge, Evaluation::merge, depth);
  }

  /**
   * A broadcast of θ's current value: reused while θ is unchanged (the evaluations of an epoch),
   * else a new one, destroying the previous (its blocks on every executor).
   */
  private Broadcast<double[]> publish(double[] theta) {
    if (published != null && Arrays.equals(publishedValue, theta)) {
      return published;
    }
    // A copy: the optimizer updates θ in place, and in local mode executors read the driver's object.
    double[] copy = theta.clone();
    Broadcast<double[]> next = jsc.broadcast(copy);
    if (published != null) {
      published.destroy();
    }
    published = next;
    publishedValue = copy;
    return next;
  }

  @Override
  public void close() {
    if (published != null) {
      published.destroy();
      published = null;
    }
    jsc.clearJobGroup();
  }
}
