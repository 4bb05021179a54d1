package io.downhill.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.JobSucceeded$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails a command whose standalone cluster has gone away, instead of letting it wait forever.
 *
 * <p>A Spark driver whose master is lost logs "waiting for master to reconnect" and keeps its
 * jobs pending until executors come back, which they never do when the Workers went with the
 * Master. This daemon thread connects to the master's port every few seconds and follows task
 * progress through a {@link SparkListener}. It trips when both have been silent for the timeout T:
 * <pre>
 *   now - firstFailedConnect &gt;= T  and  now - lastProgress &gt;= T
 * </pre>
 * (the first failed connection since the last successful one: a lower bound of how long the master
 * has been gone, so the message never overstates it)
 * where progress is a task finishing successfully, a job starting or succeeding, or an executor registering or
 * sending its heartbeat (every 10 s, {@code spark.executor.heartbeatInterval}, busy or idle). "No job running" is no
 * progress: a barrier stage that lacks task slots (executors gone with their cluster) is held back by Spark's
 * scheduler without a job-start event, so a driver waiting on it looks idle; the heartbeats of live executors are
 * what tells a driver busy on its own from one whose cluster is gone. Then it records the reason and
 * stops the SparkContext from a new thread, so the blocked job fails with "cancelled because SparkContext
 * was shut down"; {@link Session#close()} turns the recorded reason into a
 * {@link ClusterLostException} (exit code 4). A lost master whose executors keep working does not
 * trip it: Spark carries on without the master.
 *
 * <p>Executors going down with their Workers can also fail the job before the timeout (a dying
 * executor refuses the retried tasks). When the command ends after a failed job with the master
 * unreachable, {@link #close()} keeps checking until the master answers or the same rule trips, so
 * a lost cluster is exit 4 whichever noticed first.
 */
final class ClusterWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatchdog.class);

  private final SparkContext sc;
  /** What tripping does: stop the SparkContext (a test watches without stopping its shared one). */
  private final Runnable stopSpark;
  private final String masterUrl;
  private final List<InetSocketAddress> masters;
  private final int timeoutSeconds;
  private final long intervalMillis;
  private final Progress progress = new Progress();
  private final Thread thread;
  private volatile boolean closed;
  private volatile String reason;
  /** Whether the last connection failed, and when the current run of failed connections began (watch thread only). */
  private boolean unreachable;
  private long unreachableSince;

  private ClusterWatchdog(SparkContext sc, String masterUrl, List<InetSocketAddress> masters, int timeoutSeconds,
      Runnable stopSpark) {
    this.sc = sc;
    this.stopSpark = stopSpark;
    this.masterUrl = masterUrl;
    this.masters = masters;
    this.timeoutSeconds = timeoutSeconds;
    this.intervalMillis = interval(timeoutSeconds);
    this.thread = new Thread(this::watch, "downhill-cluster-watchdog");
    thread.setDaemon(true);
  }

  /**
   * A started watchdog for {@code sc} when its master is a standalone {@code spark://} URL and
   * {@code timeoutSeconds > 0}; otherwise null (local mode, YARN, Kubernetes: their own managers
   * fail a driver whose cluster is gone).
   */
  static ClusterWatchdog start(SparkContext sc, int timeoutSeconds) {
    return start(sc, sc.master(), timeoutSeconds, sc::stop);
  }

  /** {@link #start(SparkContext, int)} watching {@code masterUrl}, tripping with {@code stopSpark}. */
  static ClusterWatchdog start(SparkContext sc, String masterUrl, int timeoutSeconds, Runnable stopSpark) {
    List<InetSocketAddress> masters = masters(masterUrl);
    if (masters.isEmpty() || timeoutSeconds <= 0) {
      return null;
    }
    ClusterWatchdog w = new ClusterWatchdog(sc, masterUrl, masters, timeoutSeconds, stopSpark);
    sc.addSparkListener(w.progress);
    w.thread.start();
    LOG.info("cluster watchdog: failing the command when {} is unreachable and no task finishes for {} s",
        masterUrl, timeoutSeconds);
    return w;
  }

  /**
   * The host:port pairs of a standalone master URL ({@code spark://h:p} or, with standby masters,
   * {@code spark://h1:p1,h2:p2}); empty for any other master.
   */
  static List<InetSocketAddress> masters(String url) {
    List<InetSocketAddress> out = new ArrayList<>();
    if (url == null || !url.startsWith("spark://")) {
      return out;
    }
    for (String hostPort : url.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        continue;
      }
      try {
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        out.add(InetSocketAddress.createUnresolved(host, Integer.parseInt(hostPort.substring(colon + 1).trim())));
      } catch (NumberFormatException e) {
        // not a port: Spark itself rejects the URL
      }
    }
    return out;
  }

  /** Seconds between checks: a fifth of the timeout, between 1 and 5 s. */
  static long interval(int timeoutSeconds) {
    return 1000L * Math.max(1, Math.min(5, timeoutSeconds / 5));
  }

  /**
   * Why the command must fail, or null while the cluster may still come back: the verdict of one
   * check, from the seconds since the master was last reachable and since the last progress.
   */
  static String verdict(String masterUrl, double unreachableSeconds, double stalledSeconds, int timeoutSeconds) {
    if (unreachableSeconds < timeoutSeconds || stalledSeconds < timeoutSeconds) {
      return null;
    }
    return String.format(Locale.ROOT,
        "cluster lost: master %s unreachable for %.0f s and no task finished for %.0f s (--cluster-timeout %d); "
            + "stopped Spark", masterUrl, unreachableSeconds, stalledSeconds, timeoutSeconds);
  }

  /** The reason the watchdog stopped Spark, or null if it did not. */
  String reason() {
    return reason;
  }

  private void watch() {
    while (!closed) {
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
      if (closed || sc.isStopped()) {
        return;
      }
      if (check() == Check.TRIPPED) {
        return;
      }
    }
  }

  private enum Check { WAIT, REACHABLE, TRIPPED }

  /** One check: connect to the master, and trip (record the reason, stop Spark) when the verdict says so. */
  private Check check() {
    long now = System.nanoTime();
    boolean wasUnreachable = unreachable;
    unreachable = !reachable();
    if (unreachable && !wasUnreachable) {
      unreachableSince = now;
    }
    double gone = unreachable ? (now - unreachableSince) / 1e9 : 0;
    double stalled = (now - progress.last()) / 1e9;
    String why = verdict(masterUrl, gone, stalled, timeoutSeconds);
    if (why == null) {
      return unreachable ? Check.WAIT : Check.REACHABLE;
    }
    reason = why;
    LOG.warn("stopping the SparkContext: {}", why);
    // stop() waits for the scheduler's threads; from a thread of its own, so that this one ends
    Thread stopper = new Thread(stopSpark, "downhill-cluster-watchdog-stop");
    stopper.setDaemon(true);
    stopper.start();
    return Check.TRIPPED;
  }

  /**
   * After a job failed, decides whether the cluster failed it: keeps checking until the master
   * answers (the failure stands as it is) or has been unreachable for the timeout (the watchdog
   * trips, as it would have had the job kept waiting). Executors that die with their Workers can
   * fail a job before the timeout (their task pools refuse new tasks, 4 times), so without this the
   * same lost cluster would be exit 4 or exit 1 depending on who noticed first.
   */
  private void settle() {
    if (check() != Check.WAIT) {
      return;
    }
    LOG.warn("a Spark job failed while the master {} was unreachable; checking it for up to {} s", masterUrl,
        timeoutSeconds);
    while (check() == Check.WAIT) {
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Before Spark starts: waits until a standalone master of {@code masterUrl} accepts a connection,
   * for up to {@code timeoutSeconds} (0: no wait limit is applied here; Spark's own registration
   * gives up after about a minute). Spark's scheduler blocks in its registration while the master
   * is away and then hands back a stopped context, so without this check an unreachable master was
   * an internal error after a minute whatever the timeout. Throws {@link ClusterLostException}.
   */
  static void awaitMaster(String masterUrl, int timeoutSeconds) {
    List<InetSocketAddress> masters = masters(masterUrl);
    if (masters.isEmpty() || timeoutSeconds <= 0) {
      return;
    }
    long start = System.nanoTime();
    long interval = interval(timeoutSeconds);
    for (boolean first = true; !reachable(masters, (int) Math.min(2000, interval)); first = false) {
      double waited = (System.nanoTime() - start) / 1e9;
      if (first) {
        LOG.warn("master {} unreachable; waiting up to {} s (--cluster-timeout)", masterUrl, timeoutSeconds);
      }
      if (waited >= timeoutSeconds) {
        throw new ClusterLostException(String.format(Locale.ROOT,
            "cluster unreachable: no master of %s accepted a connection for %.0f s (--cluster-timeout %d); "
                + "is it running, and is the address right?", masterUrl, waited, timeoutSeconds));
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** True when a TCP connection to any master succeeds. */
  private boolean reachable() {
    return reachable(masters, (int) Math.min(2000, intervalMillis));
  }

  private static boolean reachable(List<InetSocketAddress> masters, int connectMillis) {
    for (InetSocketAddress m : masters) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(m.getHostString(), m.getPort()), connectMillis);
        return true;
      } catch (IOException e) {
        // try the next one
      }
    }
    return false;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      // a check in progress may be connecting (up to 2 s); its state is this thread's after the join
      thread.join(intervalMillis + 3000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Spark wakes the job's caller before its listeners hear that the job ended: wait for them a little
    if (reason == null && !thread.isAlive() && progress.awaitNoJobs(2000) && progress.lastJobFailed()) {
      settle();
    }
    if (!sc.isStopped()) {
      sc.removeSparkListener(progress);
    }
  }

  /** Task and executor events, and the jobs running: what "progress" means above. */
  static final class Progress extends SparkListener {
    private final Set<Integer> activeJobs = ConcurrentHashMap.newKeySet();
    private volatile long last = System.nanoTime();
    private volatile boolean lastJobFailed;

    /** The time of the last progress. */
    long last() {
      return last;
    }

    /** Waits up to {@code millis} for the running jobs to end; whether none runs. */
    boolean awaitNoJobs(long millis) {
      long deadline = System.nanoTime() + millis * 1_000_000L;
      while (!activeJobs.isEmpty() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return activeJobs.isEmpty();
    }

    /** Whether the job that ended last failed. */
    boolean lastJobFailed() {
      return lastJobFailed;
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      last = System.nanoTime();
      lastJobFailed = false;
      activeJobs.add(jobStart.jobId());
    }

    /** A failed job is not progress: the cluster may have failed it. */
    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
      activeJobs.remove(jobEnd.jobId());
      lastJobFailed = jobEnd.jobResult() != JobSucceeded$.MODULE$;
      if (!lastJobFailed) {
        last = System.nanoTime();
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      if (taskEnd.reason() == Success$.MODULE$) {
        last = System.nanoTime();
      }
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded executorAdded) {
      last = System.nanoTime();
    }

    /** An executor's heartbeat: the cluster is there, even while one long task has not finished. */
    @Override
    public void onExecutorMetricsUpdate(org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate update) {
      if (!"driver".equals(update.execId())) {
        last = System.nanoTime();
      }
    }
  }
}
