package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.checkpoint.StorageFullException;
import io.downhill.train.DivergedException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkException;

/** Exit codes of every command, and the one-line report of a failure. */
public final class ExitCodes {
  /** Not under {@code io.downhill}: a failure's trace goes to the log file only, never to the terminal. */
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("downhill.failure");
  public static final int OK = 0;
  /** A check failed (gradient check above threshold), or an unexpected internal error. */
  public static final int FAILED = 1;
  /** Bad input: missing or malformed data, unknown flag, nonsense setting. Nothing was written to --out. */
  public static final int BAD_INPUT = 2;
  /** The loss or gradient became NaN or infinite. */
  public static final int DIVERGED = 3;
  /**
   * Cluster or resource failure: the standalone master and its executors gone for
   * {@code --cluster-timeout}, a Spark job aborted (tasks failing on every retry, executors lost),
   * or out of memory. Rerunning (with {@code --resume} when checkpointing) may succeed.
   */
  public static final int CLUSTER = 4;

  private ExitCodes() {}

  /**
   * Prints a one-line report of {@code failure} to {@code err} and returns its exit code. Spark
   * wraps exceptions thrown in tasks; the cause chain (and suppressed exceptions, where
   * {@link Session#close()} puts a lost cluster) is searched for ours, in this order: a lost
   * cluster, which explains every other error; bad input; divergence; then out-of-memory errors and
   * Spark job failures caused by the cluster (lost executors, a stopped context: see
   * {@link #isClusterFailure}). Any other failure, a task's own exception included, is exit 1.
   */
  static int report(Throwable failure, PrintStream err) {
    if (Logs.file() != null) {
      LOG.error("the command failed", failure); // the whole story, for the log file
    }
    sun.misc.Signal signal = Signals.received();
    if (signal != null) {
      err.println("downhill: stopped by SIG" + signal.getName() + "; output folders are written only by runs that "
          + "finish, checkpoints are kept");
      return Signals.exitCode(signal);
    }
    Throwable lost = find(failure, ClusterLostException.class);
    if (lost != null) {
      err.println("downhill: " + lost.getMessage());
      return CLUSTER;
    }
    Throwable bad = find(failure, BadInputException.class);
    if (bad != null) { // a setting named by its flag
      err.println("downhill: error: " + ((BadInputException) bad).worded(ShownSetting::flag).getMessage());
      return BAD_INPUT;
    }
    Throwable diverged = find(failure, DivergedException.class);
    if (diverged != null) {
      err.println("downhill: " + diverged.getMessage());
      return DIVERGED;
    }
    Throwable storage = find(failure, StorageFullException.class); // a checkpoint write: it names the directory
    if (storage != null) {
      err.println("downhill: " + storage.getMessage());
      return CLUSTER;
    }
    Throwable full = findMessage(failure, "No space left on device", "Disk quota exceeded");
    if (full != null) {
      err.println("downhill: out of disk space (a resource failure: free space, then rerun): " + firstLine(full));
      return CLUSTER;
    }
    Throwable oom = find(failure, OutOfMemoryError.class);
    Throwable spark = oom != null ? oom : find(failure, SparkException.class);
    if (spark == null && isClusterFailure(failure)) {
      spark = failure; // e.g. "Cannot call methods on a stopped SparkContext": Spark's scheduler gave up on the master
    }
    if (spark != null && (oom != null || isClusterFailure(spark))) {
      err.println("downhill: cluster or resource failure: " + firstLine(spark));
      trace(failure, err);
      return CLUSTER;
    }
    err.println("downhill: internal error: " + firstLine(failure));
    trace(failure, err);
    return FAILED;
  }

  /** Where the full trace is: the log file's name, or (run in-process, logging left to the caller) the trace itself. */
  private static void trace(Throwable failure, PrintStream err) {
    if (Logs.file() != null) {
      err.println("downhill: the full trace is in " + Logs.file());
    } else {
      failure.printStackTrace(err);
    }
  }

  /**
   * Phrases of Spark's own messages for failures of the cluster rather than of the job: executors
   * lost or shutting down, shuffle output lost with them, the context or the application stopped. A task that fails
   * on its input fails the same way on every retry, so that stays exit 1, not "retry later".
   */
  private static final List<String> CLUSTER_PHRASES = List.of("ExecutorLostFailure", "FetchFailed",
      "SparkContext was shut down", "because SparkContext was shut down", "Master removed our application",
      "All masters are unresponsive", "Cannot call methods on a stopped SparkContext", "executor lost",
      "Lost executor",
      // an executor shutting down (its Worker gone) refuses the tasks still sent to it
      "RejectedExecutionException: Task org.apache.spark.executor.Executor$TaskRunner");

  static boolean isClusterFailure(Throwable spark) {
    for (Throwable t = spark; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (CLUSTER_PHRASES.stream().anyMatch(m::contains)) {
        return true;
      }
    }
    return false;
  }

  /** The first throwable among {@code root}, its causes and suppressed ones whose message contains one of {@code phrases}. */
  private static Throwable findMessage(Throwable root, String... phrases) {
    return find(root, t -> java.util.Arrays.stream(phrases).anyMatch(String.valueOf(t.getMessage())::contains));
  }

  /** The first throwable of type {@code type} among {@code root}, its causes and suppressed ones, breadth first. */
  private static Throwable find(Throwable root, Class<? extends Throwable> type) {
    return find(root, type::isInstance);
  }

  private static Throwable find(Throwable root, java.util.function.Predicate<Throwable> match) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> queue = new ArrayDeque<>();
    queue.add(root);
    while (!queue.isEmpty()) {
      Throwable t = queue.poll();
      if (!seen.add(t)) {
        continue;
      }
      if (match.test(t)) {
        return t;
      }
      if (t.getCause() != null) {
        queue.add(t.getCause());
      }
      Collections.addAll(queue, t.getSuppressed());
    }
    return null;
  }

  static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
