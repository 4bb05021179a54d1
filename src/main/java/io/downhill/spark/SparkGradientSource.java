package io.downhill.spark;

import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import io.downhill.loss.Regularizer;
import io.downhill.shard.Evaluation;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import io.downhill.shard.Rounds;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.shard.StepPlan;
import io.downhill.train.ClosableGradientSource;
import io.downhill.train.TrainingSettings;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function0;
import org.apache.spark.broadcast.Broadcast;

/**
 * The distributed step: one Spark job per step (per round of a step, {@link Rounds}, for a
 * batch-normalized network: 2L + 1 jobs with L normalizing layers). θ reaches the partitions in compute precision
 * (float32 by default: converted once on the driver, half the bytes; in the task closure when
 * small, as a broadcast when large, see {@link Transport}); every partition runs
 * {@link ShardComputer#gradient} on its cached shard and returns its float gradient as computed;
 * the {@link GradientAccumulator}s are merged in double on the driver in partition order
 * ({@link PartitionJob}, depth 1) or by {@code treeReduce} (deeper trees, many partitions).
 *
 * <p>What a step pays besides the arithmetic, measured in local[2] on Fashion-MNIST
 * (docs/BENCHMARKS.md): Spark's job floor, serializing θ into the tasks and the partial gradients
 * back, and the driver's bookkeeping. Kept small by:
 * <ul>
 *   <li>a fixed call site per job ({@code setCallSite}), which spares Spark a stack walk per job;
 *   <li>θ in the closure up to {@link #CLOSURE_LIMIT} parameters, broadcast above;
 *   <li>buffers serialized in bulk ({@code Buf}'s wire form), not element by element;
 *   <li>a named task function handed to {@code SparkContext.runJob} (no RDD, no closure cleaning
 *       per step), results merged on the driver with no zero value: each partition's float
 *       gradient is sent as it is, and the sum in double starts at the first merge;
 *   <li>the tree depth chosen from the gradient size ({@link #treeDepth}).
 * </ul>
 */
public final class SparkGradientSource implements ClosableGradientSource {
  /** Job group of the per-step gradient jobs (see the Spark UI, and {@link GradientTaskCounter}). */
  public static final String STEP_GROUP = "downhill-step";
  public static final String EVAL_GROUP = "downhill-eval";
  /** Parameters up to which θ travels in the task closure rather than as a broadcast. */
  public static final int CLOSURE_LIMIT = 65_536;
  /** Bytes of partial results the driver should take in per step before a deeper tree pays off. */
  static final long DRIVER_BYTES_PER_STEP = 16L << 20;

  /** How θ reaches the tasks. */
  public enum Transport {
    /** In the closure of every task: no broadcast bookkeeping, but the bytes travel with each task. */
    CLOSURE,
    /** As a broadcast (destroyed when the next one is made): fetched once per executor. */
    BROADCAST;

    public static Transport auto(int parameters) {
      return parameters <= CLOSURE_LIMIT ? CLOSURE : BROADCAST;
    }
  }

  private final JavaSparkContext jsc;
  private final TrainingData data;
  private final ShardComputer computer;
  private final Transport transport;
  private final int depth;
  private Broadcast<Buf> published;
  private double[] publishedValue;
  private CollectiveSegments.Choice sync = new CollectiveSegments.Choice(null, "jobs");

  /**
   * With the transport and tree depth chosen from the model's size and the partition count, and
   * row-sparse gradients ({@link io.downhill.shard.RowSparseGradient}, for CSR shards, where their
   * bytes pay) from {@link #ROW_SPARSE_BYTES} of dense gradient.
   */
  public SparkGradientSource(JavaSparkContext jsc, TrainingData data, ShardComputer computer) {
    this(jsc, data,
        rowSparseGradients(computer.model().layout().size(), computer.precision()) ? computer
            : computer.denseGradients(),
        Transport.auto(computer.model().layout().size()),
        treeDepth(data.train().getNumPartitions(), 8L * computer.model().layout().size()));
  }

  /**
   * The smallest dense gradient whose partitions send the first-layer rows their batch touched
   * instead. Measured per step (docs/BENCHMARKS.md "Wide sparse data", batches of 8192 rows of 50
   * non-zeros, the two alternated): in local[2], dense gradients of 1 MB and 4 MB were 2-4 ms faster
   * than touched rows and at 16 MB touched rows were 20 ms faster; on the standalone cluster of
   * {@code scripts/cluster} (loopback network) 1 MB was even and at 4 MB dense was 16-18 ms faster.
   */
  static final long ROW_SPARSE_BYTES = 8L << 20;

  /**
   * Whether partitions send touched first-layer rows rather than dense gradients of
   * {@code parameters} values in compute precision.
   */
  public static boolean rowSparseGradients(int parameters, Precision precision) {
    return (long) parameters * precision.bytes() >= ROW_SPARSE_BYTES;
  }

  public SparkGradientSource(JavaSparkContext jsc, TrainingData data, ShardComputer computer, Transport transport,
      int depth) {
    this.jsc = jsc;
    this.data = data;
    this.computer = computer;
    this.transport = transport;
    this.depth = depth;
  }

  /**
   * The smallest treeAggregate depth at which the driver receives at most
   * {@link #DRIVER_BYTES_PER_STEP} of partial results: with depth d, about {@code P^(1/d)}
   * results of {@code bytes} each reach it. Depth 1 (a plain aggregate) whenever that fits, which
   * on a laptop is always; on 100 executors with a 1.6 MB gradient, 2.
   */
  public static int treeDepth(int partitions, long bytes) {
    for (int d = 1; d < 6; d++) {
      if (Math.ceil(Math.pow(partitions, 1.0 / d)) * bytes <= DRIVER_BYTES_PER_STEP) {
        return d;
      }
    }
    return 6;
  }

  /**
   * This source taking its minibatch steps as {@code sync} says ({@link TrainingSettings#SYNC}:
   * auto, jobs or collective), a collective task waiting at most {@code timeout} for another; see
   * {@link CollectiveSegments#choose}. Without this call, a Spark job per step.
   */
  public SparkGradientSource sync(String sync, java.time.Duration timeout) {
    this.sync = CollectiveSegments.choose(jsc, data.train(), computer, sync, timeout, STEP_GROUP);
    return this;
  }

  /** This source's settings of {@link #sync} from a run's settings. */
  public SparkGradientSource sync(io.downhill.settings.SettingValues settings) {
    return sync(settings.get(TrainingSettings.SYNC),
        java.time.Duration.ofSeconds(settings.get(TrainingSettings.COLLECTIVE_TIMEOUT)));
  }

  /**
   * e.g. "collective (auto: 2 task slots for 2 partitions)": how the steps of a run of
   * {@code config} travel, and why (only minibatch steps, exact or local, can be collective).
   */
  public String describeSync(io.downhill.train.TrainingConfig config) {
    if (!config.algorithm().minibatch()) {
      return "jobs (" + config.algorithm().label() + ")";
    }
    return sync.description();
  }

  @Override
  public io.downhill.train.Segments segments() {
    return sync.collective();
  }

  /** The model's parameter count. */
  public int parameters() {
    return computer.model().layout().size();
  }

  public Transport transport() {
    return transport;
  }

  public int depth() {
    return depth;
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
    return Rounds.run(known -> run(gradientWork(theta, plan, known)));
  }

  @Override
  public LocalUpdate localSteps(double[] theta, LocalPlan plan, double[] rates, Regularizer reg) {
    return run(localStepsWork(theta, plan, rates, reg));
  }

  @Override
  public Evaluation evaluate(double[] theta, Split split) {
    Work<Evaluation> work = evaluateWork(theta, split);
    return work == null ? null : run(work);
  }

  /**
   * One partition-wise computation not yet run: what every task does with its shard of
   * {@code split}, and how the results merge. {@link SharedJobs} runs the works of several models
   * in one job.
   */
  public record Work<U>(Split split, PartitionJob.Body<U> body, PartitionJob.Merge<U> merge, Class<U> type,
      String what) {}

  /**
   * Round {@code known.length} of step {@code plan}'s gradient at θ ({@link Rounds}: {@code known}
   * holds the totals over the step's batch of the earlier rounds; none for a model without batch
   * normalization, whose step is one round). θ is published now, so the caller may update it
   * afterwards.
   */
  public Work<GradientAccumulator> gradientWork(double[] theta, StepPlan plan, double[][] known) {
    Function0<Buf> weights = publish(theta);
    ShardComputer c = computer;
    return new Work<>(Split.TRAIN, (shard, p) -> c.gradient(shard, p, plan, weights.call(), new Rounds(known)),
        GradientAccumulator::merge, GradientAccumulator.class,
        String.format("downhill epoch %d, step %d/%d%s", plan.epoch() + 1, plan.step() + 1, plan.stepsPerEpoch(),
            known.length == 0 ? "" : ", round " + (known.length + 1)));
  }

  public Work<LocalUpdate> localStepsWork(double[] theta, LocalPlan plan, double[] rates, Regularizer reg) {
    Function0<Buf> weights = publish(theta);
    ShardComputer c = computer;
    return new Work<>(Split.TRAIN, (shard, p) -> c.localSteps(shard, p, plan, weights.call(), rates, reg),
        LocalUpdate::merge, LocalUpdate.class, String.format("downhill epoch %d, steps %d-%d/%d", plan.epoch() + 1,
        plan.firstStep() + 1, plan.firstStep() + plan.count(), plan.stepsPerEpoch()));
  }

  /** The evaluation of θ over a split, or null when this run has no such split. */
  public Work<Evaluation> evaluateWork(double[] theta, Split split) {
    if (shards(split) == null) {
      return null;
    }
    Function0<Buf> weights = publish(theta);
    ShardComputer c = computer;
    return new Work<>(split, (shard, p) -> c.evaluate(shard, weights.call()), Evaluation::merge, Evaluation.class,
        "downhill evaluation: " + split.key());
  }

  /** One job: {@code work} on every partition of its split, the job named after it in the Spark UI. */
  public <U> U run(Work<U> work) {
    jsc.setJobGroup(work.type() == Evaluation.class ? EVAL_GROUP : STEP_GROUP, work.what(), false);
    jsc.setCallSite(work.what());
    return perPartition(shards(work.split()), depth, work.body(), work.merge(), work.type());
  }

  /** The cached shards of a split (null when the run has none). */
  JavaRDD<Shard> shards(Split split) {
    return shards(data, split);
  }

  static JavaRDD<Shard> shards(TrainingData data, Split split) {
    return switch (split) {
      case TRAIN -> data.train();
      case VALIDATION -> data.validation();
      case TEST -> data.test();
    };
  }

  /**
   * One job: {@code body} on every partition's shard, the results merged on the driver in
   * partition order ({@link PartitionJob}), or by {@code treeReduce} when the tree is deeper.
   */
  static <U> U perPartition(JavaRDD<Shard> shards, int depth, PartitionJob.Body<U> body, PartitionJob.Merge<U> merge,
      Class<U> type) {
    if (depth == 1) {
      return PartitionJob.run(shards.rdd(), body, merge, type);
    }
    return shards
        .mapPartitionsWithIndex((Integer p, Iterator<Shard> it) -> it.hasNext()
            ? Collections.singletonList(body.apply(it.next(), p)).iterator()
            : Collections.<U>emptyIterator(), true)
        .treeReduce(merge::apply, depth);
  }

  /** One job: the evaluation of θ (in compute precision) over every shard, merged by treeReduce. */
  public static Evaluation evaluate(JavaRDD<Shard> shards, ShardComputer computer, Function0<Buf> theta, int depth) {
    return shards.map(shard -> computer.evaluate(shard, theta.call())).treeReduce(Evaluation::merge, depth);
  }

  /**
   * θ's current value as the tasks will read it, in compute precision: a copy in the closure, or a
   * broadcast (reused while θ is unchanged, as for the evaluations of an epoch; the previous one
   * destroyed). Always a copy: the optimizer updates θ in place, and in local mode tasks read
   * driver objects.
   */
  private Function0<Buf> publish(double[] theta) {
    if (transport == Transport.CLOSURE) {
      Buf copy = computer.params(theta);
      return () -> copy;
    }
    if (published == null || !Arrays.equals(publishedValue, theta)) {
      Broadcast<Buf> next = jsc.broadcast(computer.params(theta));
      if (published != null) {
        published.destroy();
      }
      published = next;
      publishedValue = theta.clone();
    }
    Broadcast<Buf> b = published;
    return b::value;
  }

  @Override
  public void close() {
    if (sync.collective() != null) {
      sync.collective().close();
    }
    if (published != null) {
      published.destroy();
      published = null;
    }
    jsc.clearJobGroup();
    jsc.clearCallSite();
  }
}
