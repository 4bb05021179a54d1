package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.train.DivergedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.spark.SparkException;
import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.JobSucceeded$;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** The exit code and message of each kind of failure, and the cluster watchdog's decision (no Spark). */
class ExitCodesTest {
  private record Reported(int code, String err) {}

  private static Reported report(Throwable t) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      code = ExitCodes.report(t, err);
    }
    return new Reported(code, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void ourExceptionsKeepTheirCodesEvenWhenSparkWrapsThem() {
    BadInputException bad = BadInputException.of("--data x", "no such file", "a file", "nothing");
    assertEquals(ExitCodes.BAD_INPUT, report(bad).code());
    assertEquals(ExitCodes.BAD_INPUT, report(new SparkException("Job aborted", bad)).code());
    DivergedException diverged = new DivergedException(12, 0, "loss", Double.NaN, 0.1);
    Reported d = report(new SparkException("Job aborted", diverged));
    assertEquals(ExitCodes.DIVERGED, d.code(), d.err());
  }

  @Test
  void lostExecutorsAndOutOfMemoryAreClusterFailuresATaskOwnFailureIsNot() {
    Reported job = report(new SparkException("Job aborted due to stage failure: Task 1 in stage 3.0 failed 4 times, "
        + "most recent failure: Lost task 1.3 (executor 2): ExecutorLostFailure (executor 2 exited caused by one of the "
        + "running tasks) Reason: Command exited with code 137\nDriver stacktrace: ..."));
    assertEquals(ExitCodes.CLUSTER, job.code(), job.err());
    assertTrue(job.err().startsWith("downhill: cluster or resource failure: SparkException: Job aborted due to stage "
        + "failure: Task 1 in stage 3.0 failed 4 times"), job.err());
    // a task that fails on its own (a bug, a corrupt file) fails again on every retry: not "retry later"
    Reported own = report(new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times, "
        + "most recent failure: java.lang.IllegalStateException: broken"));
    assertEquals(ExitCodes.FAILED, own.code(), own.err());
    // the CI log of 2026-11-21: the Workers were killed and an executor's task pool had terminated
    Reported refused = report(new SparkException("Job aborted due to stage failure: Task 0 in stage 15.0 failed 4 "
        + "times, most recent failure: Lost task 0.3 in stage 15.0 (TID 46) (127.0.0.1 executor 0): "
        + "java.util.concurrent.RejectedExecutionException: Task org.apache.spark.executor.Executor$TaskRunner@53efb935 "
        + "rejected from java.util.concurrent.ThreadPoolExecutor@85e9872[Terminated, pool size = 0]"));
    assertEquals(ExitCodes.CLUSTER, refused.code(), refused.err());
    Reported oom = report(new RuntimeException("while training", new OutOfMemoryError("Java heap space")));
    assertEquals(ExitCodes.CLUSTER, oom.code(), oom.err());
    assertTrue(oom.err().startsWith("downhill: cluster or resource failure: OutOfMemoryError: Java heap space"),
        oom.err());
    assertEquals(ExitCodes.FAILED, report(new IllegalStateException("a bug")).code());
  }

  @Test
  void aLostClusterExplainsTheErrorsItCausedAndIsReportedInOneLine() {
    IllegalStateException primary = new IllegalStateException("Cannot call methods on a stopped SparkContext.");
    primary.addSuppressed(new ClusterLostException("cluster lost: master spark://h:7077 unreachable for 15 s"));
    Reported r = report(new SparkException("Job 7 cancelled because SparkContext was shut down", primary));
    assertEquals(ExitCodes.CLUSTER, r.code(), r.err());
    assertEquals("downhill: cluster lost: master spark://h:7077 unreachable for 15 s\n", r.err());
  }

  @Test
  void theWatchdogTripsOnlyWhenTheMasterIsGoneAndNothingProgressesForTheTimeout() {
    assertNull(ClusterWatchdog.verdict("spark://h:7077", 30, 3, 15), "executors still finish tasks");
    assertNull(ClusterWatchdog.verdict("spark://h:7077", 3, 30, 15), "the master answers: Spark may still schedule");
    assertEquals("cluster lost: master spark://h:7077 unreachable for 16 s and no task finished for 15 s "
        + "(--cluster-timeout 15); stopped Spark", ClusterWatchdog.verdict("spark://h:7077", 16.2, 15, 15));
    long before = System.nanoTime();
    ClusterWatchdog.Progress progress = new ClusterWatchdog.Progress();
    long created = progress.last();
    assertTrue(created >= before, "the clock starts with the watch");
    assertEquals(created, progress.last(), "idle is no progress: a barrier stage held back for slots looks idle");
    progress.onJobStart(new SparkListenerJobStart(1, 0L, noStages(), new Properties()));
    long started = progress.last();
    assertTrue(started > created && started <= System.nanoTime(), "a job started");
    progress.onJobEnd(new SparkListenerJobEnd(1, 0L, new JobFailed(new SparkException("Task 0 failed 4 times"))));
    assertTrue(progress.awaitNoJobs(0));
    assertTrue(progress.lastJobFailed());
    assertEquals(started, progress.last(), "a failed job is not progress");
    progress.onJobStart(new SparkListenerJobStart(2, 0L, noStages(), new Properties()));
    assertFalse(progress.awaitNoJobs(20), "job 2 runs");
    long second = progress.last();
    progress.onJobEnd(new SparkListenerJobEnd(2, 0L, JobSucceeded$.MODULE$));
    assertFalse(progress.lastJobFailed());
    assertTrue(progress.last() > second, "a job that succeeded is progress");
    assertEquals(List.of(InetSocketAddress.createUnresolved("127.0.0.1", 7077)),
        ClusterWatchdog.masters("spark://127.0.0.1:7077"));
    assertEquals(List.of(InetSocketAddress.createUnresolved("a", 7077), InetSocketAddress.createUnresolved("b", 7078)),
        ClusterWatchdog.masters("spark://a:7077,b:7078"));
    assertEquals(List.of(), ClusterWatchdog.masters("local[2]"));
    assertEquals(List.of(), ClusterWatchdog.masters("yarn"));
    assertEquals(3000, ClusterWatchdog.interval(15));
    assertEquals(5000, ClusterWatchdog.interval(120));
    assertEquals(1000, ClusterWatchdog.interval(2));
  }

  @Test
  void aNegativeClusterTimeoutIsBadInput(@TempDir Path dir) {
    Cli c = Cli.run("train", "--data", "synthetic", "--cluster-timeout", "-1", "--out", dir.resolve("run").toString());
    assertEquals(ExitCodes.BAD_INPUT, c.code(), c.toString());
    assertTrue(c.err().contains("--cluster-timeout"), c.err());
  }

  private static scala.collection.immutable.Seq<StageInfo> noStages() {
    return CollectionConverters.asScala(List.<StageInfo>of()).toSeq();
  }
}
