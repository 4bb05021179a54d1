package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
