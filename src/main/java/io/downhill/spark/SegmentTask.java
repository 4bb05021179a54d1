package io.downhill.spark;

import io.downhill.collective.Mesh;
import io.downhill.collective.Part;
import io.downhill.collective.Rendezvous;
import io.downhill.collective.Reporter;
import io.downhill.collective.Sum;
import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import io.downhill.loss.Regularizer;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.StepPlan;
import io.downhill.train.Segment;
import io.downhill.train.SyncStep;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * What each task of a collective segment's barrier stage does, on its executor: opens its end of
 * the {@link Mesh} on the executor's own address, learns the other tasks' addresses at the driver's
 * {@link Rendezvous} (session: the segment's id), then takes the segment's steps on its cached shard
 * ({@link SyncStep#run}), the sums of every step (or job of local steps) all-reduced between the
 * tasks. Partition 0's task returns θ, the optimizer state and the step reports; the others the
 * hash of their θ.
 *
 * <p>The secret that every link and the rendezvous prove travels in this task's closure and nowhere
 * else: it is not part of any message, log line or {@code toString}.
 */
final class SegmentTask extends AbstractFunction1<Iterator<Shard>, Iterator<Segment.Result>>
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private final ShardComputer computer;
  private final Segment segment;
  private final SyncStep step;
  private final byte[] secret;
  private final String rendezvous;
  private final long id;
  private final long timeoutMillis;

  SegmentTask(ShardComputer computer, Segment segment, SyncStep step, byte[] secret, String rendezvous, long id,
      Duration timeout) {
    this.computer = computer;
    this.segment = segment;
    this.step = step;
    this.secret = secret;
    this.rendezvous = rendezvous;
    this.id = id;
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public Iterator<Segment.Result> apply(Iterator<Shard> shards) {
    BarrierTaskContext context = BarrierTaskContext.get();
    int rank = context.partitionId();
    int size = context.getTaskInfos().length;
    Shard shard = shards.hasNext() ? shards.next() : null;
    int attempt = context.stageAttemptNumber();
    // a retried stage is another mesh session: links left over from the failed attempt are refused
    long session = id * 1000 + attempt;
    Duration timeout = Duration.ofMillis(timeoutMillis);
    Reporter reporter = null;
    try (Mesh mesh = Mesh.listen(InetAddress.getByName(SparkEnv.get().blockManager().blockManagerId().host()), rank,
        size, secret, session, timeout, context::isInterrupted, true)) {
      List<String> roll;
      if (rank == 0) { // the task the driver listens to: it also reports its steps as they go
        reporter = Rendezvous.joinReporting(rendezvous, secret, id, attempt, rank, size, mesh.address(), timeout,
            context::isInterrupted);
        roll = reporter.roll();
      } else {
        roll = Rendezvous.join(rendezvous, secret, id, attempt, rank, size, mesh.address(), timeout,
            context::isInterrupted);
      }
      mesh.connect(roll);
      Segment.Result result = step.run(segment, new MeshExchange(mesh, computer, shard, rank, size, reporter), rank == 0);
      return CollectionConverters.asScala(List.of(result).iterator());
    } catch (IOException e) {
      throw new UncheckedIOException("collective segment " + id + ", partition " + rank + ": " + e.getMessage(), e);
    } finally {
      if (reporter != null) {
        reporter.close();
      }
    }
  }

  @Override
  public String toString() {
    return "SegmentTask(segment " + id + ")";
  }

  /**
   * A step's sums: this partition's minibatch ({@link ShardComputer#gradient}, dense; its batch
   * normalization's totals over the step's batch are all-reduced as the pass needs them, as the
   * scalars of a round, summed in partition order as the driver adds up {@link io.downhill.shard.Rounds}),
   * then the mesh's all-reduce of the gradient in compute precision and of the loss, weight and row sums and
   * the batch statistics in double, all summed in partition order as the driver's merge does (with
   * them, what the replicas carry for each other: rank 1's update statistics for rank 0). A
   * job's: this partition's local steps ({@link ShardComputer#localSteps}), then the all-reduce of
   * its {@link LocalUpdate#flat} vector (the move and the per-step loss and weight sums, in double,
   * summed from zero as {@link LocalUpdate#merge} sums them) and of the weight and row sums.
   */
  private static final class MeshExchange implements SyncStep.Exchange {
    private static final int SUMS = 3; // loss, weight, rows; then the batch statistics
    private final Mesh mesh;
    private final Reporter reporter;
    private final ShardComputer computer;
    private final Shard shard;
    private final int rank;
    private final int size;
    private final int parameters;
    private final int stats;
    /** The mesh's rounds so far: a step takes one, plus two per batch-normalized layer. */
    private long rounds;
    /** The array each step's gradient is summed into. */
    private double[] gradient;
    /** θ in compute precision, rewritten each step (read only while the step computes). */
    private Buf params;

    MeshExchange(Mesh mesh, ShardComputer computer, Shard shard, int rank, int size, Reporter reporter) {
      this.mesh = mesh;
      this.size = size;
      this.reporter = reporter;
      this.computer = computer;
      this.shard = shard;
      this.rank = rank;
      this.parameters = computer.model().layout().size();
      this.stats = computer.model().statsSize();
    }

    @Override
    public void progress(long step, double loss, boolean last) {
      if (reporter != null) {
        reporter.report(step, loss, last);
      }
    }

    @Override
    public GradientAccumulator local(StepPlan plan, double[] theta) throws IOException {
      try {
        return shard == null ? computer.withoutRows(this::total)
            : computer.gradient(shard, rank, plan, params = computer.params(theta, params), this::total);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    /** A total over the step's batch: this partition's sums, all-reduced. */
    private double[] total(double[] partial) {
      try {
        return mesh.allReduce(rounds++, new Part(null, 0, partial, 0L)).scalars();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public int rank() {
      return rank;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public GradientAccumulator allReduce(GradientAccumulator local, double[] carry) throws IOException {
      int carried = carry == null ? 0 : carry.length;
      double[] sums = new double[SUMS + stats + carried];
      if (carried > 0) {
        System.arraycopy(carry, 0, sums, SUMS + stats, carried);
      }
      sums[0] = local.lossSum();
      sums[1] = local.weightSum();
      sums[2] = local.rows();
      if (local.statsSum() != null) {
        System.arraycopy(local.statsSum(), 0, sums, SUMS, stats);
      }
      // a step over the partition's every row comes summed in double already (ShardComputer's full
      // batch, merged chunk by chunk), the driver adds it as such
      Buf vector = local.partial() != null ? local.partial()
          : local.gradSum() == null ? null : Buf.wrap(local.gradSum());
      // the step is done with the last step's sum (SyncStep.apply): the next reuses its array
      gradient = gradient != null ? gradient : new double[parameters];
      Sum total = mesh.allReduce(rounds++, new Part(vector, parameters, sums, local.computeNanos()), gradient);
      double[] s = total.scalars();
      if (carried > 0) {
        System.arraycopy(s, SUMS + stats, carry, 0, carried);
      }
      return GradientAccumulator.ofSum(total.vector(), s[0], s[1], (long) s[2], total.max(),
          stats == 0 ? null : Arrays.copyOfRange(s, SUMS, SUMS + stats));
    }

    @Override
    public LocalUpdate localSteps(LocalPlan plan, double[] theta, double[] rates, Regularizer reg) {
      return shard == null ? LocalUpdate.empty()
          : computer.localSteps(shard, rank, plan, params = computer.params(theta, params), rates, reg);
    }

    @Override
    public LocalUpdate allReduce(LocalUpdate local, int count) throws IOException {
      double[] flat = local.flat();
      Part part = new Part(flat == null ? null : Buf.wrap(flat), parameters + 2 * count,
          new double[] {local.weightSum(), local.rows()}, local.computeNanos());
      Sum total = mesh.allReduce(rounds++, part);
      return LocalUpdate.ofSum(total.vector(), count, total.scalars()[0], (long) total.scalars()[1], total.max());
    }
  }
}
