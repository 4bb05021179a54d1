package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.collective.Rendezvous;
import io.downhill.data.Shard;
import io.downhill.shard.ShardComputer;
import io.downhill.train.Segment;
import io.downhill.train.Segments;
import io.downhill.train.SyncStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collective transport on Spark: each {@link Segment} is one barrier stage over the cached
 * training shards ({@code RDD.barrier()}): Spark gang-schedules one task per partition, each on its
 * shard, and the tasks exchange their sums among themselves ({@link SegmentTask}) instead of
 * returning them to the driver step by step. Spark still owns the scheduling and the data; a
 * failed or killed task fails the stage, and {@link #run} runs it again from the segment's start,
 * which the driver still holds, so the weights come out the same.
 *
 * <p>The tasks learn each other's addresses at a {@link Rendezvous} on the driver's address (opened
 * at the first segment, closed with the source), each segment a session of its own. The links
 * between the tasks and to the rendezvous prove a secret made here, per run, with
 * {@link SecureRandom}; it reaches the tasks in their closure only.
 */
final class CollectiveSegments implements Segments {
  private static final Logger LOG = LoggerFactory.getLogger(CollectiveSegments.class);
  private final JavaSparkContext jsc;
  private final JavaRDD<Shard> train;
  private final ShardComputer computer;
  private final Duration timeout;
  private final String reason;
  private final String group;
  private final byte[] secret = new byte[32];
  private long segments;
  private Rendezvous rendezvous;

  CollectiveSegments(JavaSparkContext jsc, JavaRDD<Shard> train, ShardComputer computer, Duration timeout,
      String reason, String group) {
    this.jsc = jsc;
    this.group = group;
    this.train = train;
    this.computer = computer.denseGradients(); // the exchange sums dense slices
    this.timeout = timeout;
    this.reason = reason;
    new SecureRandom().nextBytes(secret);
  }

  @Override
  public String describe() {
    return "collective (" + reason + ")";
  }

  /**
   * Runs the segment as a barrier stage; when it fails (a task failed, an executor was lost), runs
   * it again from its start, as a new stage with a new session, up to the attempts Spark gives a
   * task ({@link #attempts}): Spark aborts a failed barrier result stage rather than retrying it.
   * The segment starts from the θ and state the driver holds, so a retry changes no bit.
   */
  @Override
  public Segment.Result run(Segment segment, SyncStep step, Progress progress) {
    int attempts = attempts();
    for (int attempt = 1;; attempt++) {
      try {
        return attempt(segment, step, progress);
      } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
        if (attempt >= attempts || !(e instanceof SparkException) || jsc.sc().isStopped()) {
          throw e instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(e.getMessage(), e);
        }
        LOG.warn("collective segment (epoch {}, steps {}-{}) failed, running it again from its start ({} of {} "
            + "attempts): {}", segment.epoch() + 1, segment.firstStep() + 1, segment.firstStep() + segment.count(),
            attempt + 1, attempts, e.getMessage());
        awaitSlots();
      }
    }
  }

  /**
   * Before a segment runs again: waits until the cluster has a task slot per partition again (a lost
   * executor's replacement has registered). Spark's scheduler would hold the barrier stage back by
   * itself, but it checks again only every {@code spark.scheduler.barrier.maxConcurrentTasksCheck.interval}
   * (15 s), so a retry waited up to 15 s for an executor that registered in 3. This checks every
   * 100 ms, for at most as long as Spark's own checks would (that interval times
   * {@code maxConcurrentTasksCheck.maxFailures}), and stops waiting when the SparkContext stops (a
   * watchdog that found the cluster gone); the stage then fails as it would have.
   */
  private void awaitSlots() {
    int partitions = train.getNumPartitions();
    if (slots(jsc) >= partitions) {
      return;
    }
    long interval = jsc.getConf().getTimeAsSeconds("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "15s");
    int checks = jsc.getConf().getInt("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", 40);
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(interval * checks);
    LOG.info("waiting for {} task slots (now {}) before the segment runs again", partitions, slots(jsc));
    while (slots(jsc) < partitions && !jsc.sc().isStopped() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LOG.info("{} task slots after {} ms", slots(jsc), (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Attempts a segment may take: Spark's {@code spark.task.maxFailures} (4) on a cluster, where
   * executors come and go; one in local mode, where Spark retries no task either.
   */
  private int attempts() {
    return jsc.sc().isLocal() ? 1 : jsc.getConf().getInt("spark.task.maxFailures", 4);
  }

  private Segment.Result attempt(Segment segment, SyncStep step, Progress progress) throws Exception {
    long id = ++segments;
    String what = String.format("downhill epoch %d, steps %d-%d/%d (collective)", segment.epoch() + 1,
        segment.firstStep() + 1, segment.firstStep() + segment.count(), segment.stepsPerEpoch());
    jsc.setJobGroup(group, what, false);
    jsc.setCallSite(what);
    Rendezvous r = rendezvous();
    RDD<Segment.Result> results = train.rdd().barrier().mapPartitions(
        new SegmentTask(computer, segment, step, secret, r.address(), id, timeout), false,
        scala.reflect.ClassTag$.MODULE$.apply(Segment.Result.class));
    r.expect(id, train.getNumPartitions(), progress::step);
    List<Segment.Result> all;
    try {
      all = await(results.toJavaRDD().collectAsync(), id);
    } catch (Exception e) {
      r.forget(id);
      throw e;
    }
    r.finish(id, java.time.Duration.ofSeconds(2)); // the segment's last step reaches the progress line first
    Segment.Result first = all.get(0);
    for (int p = 1; p < all.size(); p++) {
      if (all.get(p).thetaHash() != first.thetaHash()) {
        // the replicas take the same operations on the same bits: a difference is a defect (or
        // executors whose BLAS differ), never something to average away
        throw new IllegalStateException("collective segment " + id + ": partition " + p
            + " ended with other weights than partition 0 (the replicas of θ must stay equal bit for bit)");
      }
    }
    return first;
  }

  /**
   * The stage's results, waited for while the SparkContext runs. A barrier stage that lacks task
   * slots (executors lost with their cluster) waits in Spark's scheduler to be submitted again, and
   * is no active job that stopping the context would fail: a plain {@code collect()} would wait for
   * it forever once a watchdog has stopped Spark.
   */
  private <T> T await(org.apache.spark.api.java.JavaFutureAction<T> job, long id) throws Exception {
    while (true) {
      try {
        return job.get(1, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        if (jsc.sc().isStopped()) {
          job.cancel(true);
          throw new IllegalStateException("collective segment " + id
              + ": its stage was still waiting when the SparkContext was shut down");
        }
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }

  /** The run's rendezvous, opened on the driver's address (spark.driver.host) at the first segment. */
  private Rendezvous rendezvous() {
    if (rendezvous == null) {
      String host = jsc.getConf().get("spark.driver.host", null);
      try {
        rendezvous = Rendezvous.open(host == null ? InetAddress.getLocalHost() : InetAddress.getByName(host), secret,
            timeout);
      } catch (IOException e) {
        throw new UncheckedIOException("the collective transport cannot open its rendezvous on the driver's address "
            + (host == null ? "(the local host's)" : host) + ": " + e.getMessage(), e);
      }
    }
    return rendezvous;
  }

  /** Closes the rendezvous, if a segment opened it; idempotent. */
  void close() {
    if (rendezvous != null) {
      rendezvous.close();
      rendezvous = null;
    }
  }

  /**
   * Which transport of minibatch steps a run takes, and why: {@code collective} null for a Spark job
   * per step.
   */
  record Choice(CollectiveSegments collective, String description) {}

  /**
   * The transport that {@code sync} ("auto", "jobs" or "collective") means for this run. Auto takes
   * collective wherever a barrier stage can run: as many task slots as partitions, and no dynamic
   * allocation (barrier stages refuse it). Asking for collective where it cannot run is bad input
   * naming the setting, never a hang.
   */
  static Choice choose(JavaSparkContext jsc, JavaRDD<Shard> train, ShardComputer computer, String sync,
      Duration timeout, String group) {
    if (sync.equals("jobs")) {
      return new Choice(null, "jobs (sync jobs)");
    }
    int partitions = train.getNumPartitions();
    int slots = slots(jsc);
    String cannot = null;
    if (jsc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
      cannot = "dynamic allocation is on (spark.dynamicAllocation.enabled=true), which barrier stages refuse";
    } else if (slots < partitions) {
      cannot = partitions + " partitions but " + slots + " task slots (a barrier stage runs every partition at once)";
    }
    if (cannot != null) {
      if (sync.equals("collective")) {
        throw BadInputException.setting("sync", "collective", "the collective transport cannot run here",
            "as many task slots as partitions and no dynamic allocation (or {sync} jobs)", cannot);
      }
      return new Choice(null, "jobs (auto: " + cannot + ")");
    }
    String why = (sync.equals("auto") ? "auto: " : "sync collective, ") + slots + " task slots for " + partitions
        + " partitions";
    CollectiveSegments c = new CollectiveSegments(jsc, train, computer, timeout, why, group);
    return new Choice(c, c.describe());
  }

  /** Tasks the cluster can run at once with the default resource profile (executors registered now). */
  static int slots(JavaSparkContext jsc) {
    // SparkContext.maxNumConcurrentTasks is private[spark] in Scala, public in bytecode: it is the
    // number the scheduler itself checks a barrier stage against
    return jsc.sc().maxNumConcurrentTasks(jsc.sc().resourceProfileManager().defaultResourceProfile());
  }
}
