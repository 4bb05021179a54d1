package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.testing.TestSpark;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * What the watchdog decides when the command ends, on the shared local context, with a port of
 * this machine standing in for the standalone master (listening: reachable; closed: gone). Tripping
 * counts instead of stopping the shared context.
 */
class ClusterWatchdogTest {
  private static final int TIMEOUT = 2;

  /** A localhost port nothing listens on. */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void failingJob(JavaSparkContext jsc) {
    assertThrows(SparkException.class, () -> jsc.parallelize(List.of(1, 2), 2).foreach(x -> {
      throw new IllegalStateException("a task that fails on every try");
    }));
  }

  @Test
  void aJobThatFailsWhileTheMasterIsGoneIsAClusterLossOnceTheTimeoutHasPassed() throws Exception {
    JavaSparkContext jsc = TestSpark.jsc();
    String url = "spark://127.0.0.1:" + closedPort();
    AtomicInteger stops = new AtomicInteger();
    CountDownLatch stopped = new CountDownLatch(1);
    ClusterWatchdog w = ClusterWatchdog.start(jsc.sc(), url, TIMEOUT, () -> {
      stops.incrementAndGet();
      stopped.countDown();
    });
    failingJob(jsc);
    long t0 = System.nanoTime();
    w.close();
    double closing = (System.nanoTime() - t0) / 1e9;
    assertTrue(w.reason() != null && w.reason().startsWith("cluster lost: master " + url + " unreachable for "),
        String.valueOf(w.reason()));
    assertTrue(closing >= TIMEOUT - 1 && closing < TIMEOUT + 10, "closing waited for the verdict: " + closing + " s");
    assertTrue(stopped.await(10, TimeUnit.SECONDS), "tripping stops Spark");
    assertEquals(1, stops.get(), "once");
  }

  @Test
  void aJobStuckAfterTheMasterWentAwayTripsTheWatchdogWhileItRuns() throws Exception {
    JavaSparkContext jsc = TestSpark.jsc();
    AtomicInteger stops = new AtomicInteger();
    ServerSocket master = new ServerSocket(0);
    String url = "spark://127.0.0.1:" + master.getLocalPort();
    ClusterWatchdog w = ClusterWatchdog.start(jsc.sc(), url, TIMEOUT, stops::incrementAndGet);
    Thread.sleep(1500); // checked while reachable: the watch goes on
    master.close();
    long t0 = System.nanoTime();
    // one task that finishes long after the timeout, like a job waiting for executors that are gone
    jsc.parallelize(List.of(1), 1).foreach(x -> Thread.sleep(3000L * TIMEOUT + 2000));
    assertTrue(w.reason() != null && w.reason().startsWith("cluster lost: master " + url + " unreachable for "),
        "tripped during the job: " + w.reason());
    w.close();
    assertEquals(1, stops.get());
    assertTrue((System.nanoTime() - t0) / 1e9 >= TIMEOUT);
  }

  /**
   * A barrier stage needs a task slot per partition; with fewer (the executors went with their
   * cluster) Spark's scheduler holds the job back and checks again every 15 s, without telling the
   * listeners that a job started. After a job that succeeded, that looked like a driver busy on its
   * own, which the watchdog never failed: a collective run whose cluster died between two segments
   * waited about ten minutes (the scheduler's 40 checks) instead of the timeout.
   */
  @Test
  void aBarrierJobHeldBackForTaskSlotsThatNeverComeTripsTheWatchdog() throws Exception {
    JavaSparkContext jsc = TestSpark.jsc();
    AtomicInteger stops = new AtomicInteger();
    String url = "spark://127.0.0.1:" + closedPort();
    ClusterWatchdog w = ClusterWatchdog.start(jsc.sc(), url, TIMEOUT, stops::incrementAndGet);
    assertEquals(3, jsc.parallelize(List.of(1, 2, 3), 2).count()); // the last job succeeded
    String group = "watchdog-barrier-" + System.nanoTime();
    jsc.setJobGroup(group, "a barrier stage with more partitions than task slots", true);
    long t0 = System.nanoTime();
    try {
      // 8 partitions: twice the task slots of TestSpark's local[4]
      var held = jsc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8).rdd().barrier()
          .mapPartitions(new Identity(), false, scala.reflect.ClassTag$.MODULE$.apply(Integer.class)).toJavaRDD()
          .collectAsync();
      long deadline = System.nanoTime() + (3L * TIMEOUT + 10) * 1_000_000_000L;
      while (w.reason() == null && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(held.isDone(), "the job is held back, neither run nor failed");
    } finally {
      jsc.sc().cancelJobGroupAndFutureJobs(group, "test over"); // the scheduler's next check fails it
      jsc.clearJobGroup();
    }
    double tripped = (System.nanoTime() - t0) / 1e9;
    assertTrue(w.reason() != null && w.reason().startsWith("cluster lost: master " + url + " unreachable for "),
        "tripped while the job was held back: " + w.reason());
    assertTrue(tripped >= TIMEOUT - 1, "after the timeout: " + tripped + " s");
    w.close();
    assertEquals(1, stops.get());
  }

  /** A barrier stage's task that passes its partition on. */
  private static final class Identity
      extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<Integer>>
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public scala.collection.Iterator<Integer> apply(scala.collection.Iterator<Integer> rows) {
      return rows;
    }
  }

  @Test
  void aJobThatFailsWhileTheMasterAnswersStaysTheJobsOwnFailure() throws Exception {
    JavaSparkContext jsc = TestSpark.jsc();
    try (ServerSocket master = new ServerSocket(0)) {
      AtomicInteger stops = new AtomicInteger();
      ClusterWatchdog w = ClusterWatchdog.start(jsc.sc(), "spark://127.0.0.1:" + master.getLocalPort(), TIMEOUT,
          stops::incrementAndGet);
      failingJob(jsc);
      long t0 = System.nanoTime();
      w.close();
      assertNull(w.reason());
      assertTrue((System.nanoTime() - t0) / 1e9 < TIMEOUT, "one check, no waiting");
      assertEquals(0, stops.get());
    }
  }

  @Test
  void aCommandThatSucceedsIsNotFailedForAMasterThatWentAway() throws Exception {
    JavaSparkContext jsc = TestSpark.jsc();
    AtomicInteger stops = new AtomicInteger();
    ClusterWatchdog w = ClusterWatchdog.start(jsc.sc(), "spark://127.0.0.1:" + closedPort(), TIMEOUT,
        stops::incrementAndGet);
    assertEquals(3, jsc.parallelize(List.of(1, 2, 3), 2).count());
    long t0 = System.nanoTime();
    w.close();
    assertNull(w.reason());
    assertTrue((System.nanoTime() - t0) / 1e9 < TIMEOUT, "no waiting");
    assertEquals(0, stops.get());
  }
}
