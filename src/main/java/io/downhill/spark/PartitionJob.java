package io.downhill.spark;

import io.downhill.data.Shard;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.util.ClosureCleaner;
import scala.reflect.ClassTag;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * One Spark job over the cached shards whose per-partition results are merged on the driver in
 * partition order (the same sums in the same order every run, whatever order the tasks finish in): {@code SparkContext.runJob} with a result handler, the job underneath
 * {@code RDD.reduce}, without the RDD, the closures and the closure cleaning that
 * {@code mapPartitionsWithIndex(...).treeReduce(...)} makes anew for every step.
 *
 * <p>Why not the RDD API: Spark's {@link ClosureCleaner} reads the bytecode of every lambda it is
 * handed (the Java lambda's Scala wrapper, and the ones treeReduce makes inside), with ASM, from
 * the jar, on every job. Profiled with JFR on the 784-1024-10 step, that was the largest Java cost
 * on the driver after serialization. A named class is not a closure to the cleaner: it is left
 * alone. Used for depth-1 aggregation (every result straight to the driver); deeper trees still
 * go through {@code treeReduce}.
 */
public final class PartitionJob {
  private PartitionJob() {}

  /** How two results combine; serializable, since deeper trees merge on the executors. */
  @FunctionalInterface
  public interface Merge<U> extends BinaryOperator<U>, Serializable {}

  /** What a task computes from its partition's shard. */
  @FunctionalInterface
  public interface Body<U> extends Serializable {
    U apply(Shard shard, int partition) throws Exception;
  }

  /** The task function: the partition's single shard (or none) through {@code body}. */
  static final class Task<U> extends AbstractFunction2<TaskContext, scala.collection.Iterator<Shard>, U>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Body<U> body;

    Task(Body<U> body) {
      this.body = body;
    }

    @Override
    public U apply(TaskContext context, scala.collection.Iterator<Shard> shards) {
      if (!shards.hasNext()) {
        return null;
      }
      try {
        return body.apply(shards.next(), context.partitionId());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Keeps each partition's result; merged in partition order afterwards, so a run is reproducible. */
  private static final class Collector<U> extends AbstractFunction2<Object, U, BoxedUnit> {
    private final Object[] results;

    Collector(int partitions) {
      results = new Object[partitions];
    }

    @Override
    public synchronized BoxedUnit apply(Object partition, U result) {
      results[(Integer) partition] = result;
      return BoxedUnit.UNIT;
    }
  }

  /** Runs {@code body} on every partition of {@code shards} and merges the results; null when none had a shard. */
  public static <U> U run(RDD<Shard> shards, Body<U> body, Merge<U> merge, Class<U> type) {
    SparkContext sc = shards.context();
    List<Object> partitions = new ArrayList<>();
    for (int i = 0; i < shards.getNumPartitions(); i++) {
      partitions.add(i);
    }
    Collector<U> collector = new Collector<>(partitions.size());
    ClassTag<U> tag = scala.reflect.ClassTag$.MODULE$.apply(type);
    sc.runJob(shards, new Task<>(body), scala.jdk.javaapi.CollectionConverters.asScala(partitions).toSeq(), collector,
        tag);
    U total = null;
    synchronized (collector) {
      for (Object r : collector.results) {
        if (r != null) {
          total = total == null ? type.cast(r) : merge.apply(total, type.cast(r));
        }
      }
    }
    return total;
  }
}
