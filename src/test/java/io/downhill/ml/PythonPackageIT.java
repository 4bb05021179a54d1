package io.downhill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python package's tests: {@code scripts/python-tests} (builds the wheel around this build's
 * jar, installs it into {@code .venv}, runs pytest on {@code python/tests} against the real
 * pyspark) as a process, its lines passed on with a {@code [python]} prefix.
 *
 * <p>Run by failsafe, after {@code package}, rather than by a build step of their own, so that they
 * run beside {@code ClusterIT} in a second test JVM: both spend much of their time waiting on other
 * JVMs (Spark daemons, executors, spark-submit, the py4j gateway), and one after the other they took
 * a quarter of the suite's time on two cores.
 */
class PythonPackageIT {
  private static final Path ROOT = Path.of(System.getProperty("downhill.home", ".")).toAbsolutePath();
  private static final int TAIL = 80;

  @Test
  void thePythonPackagesTestsPass() throws Exception {
    Process p = new ProcessBuilder(ROOT.resolve("scripts/python-tests").toString()).directory(ROOT.toFile())
        .redirectErrorStream(true).start();
    Deque<String> tail = new ArrayDeque<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          System.out.println("[python] " + line);
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > TAIL) {
              tail.removeFirst();
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "python-tests-output");
    pump.start();
    boolean ended = p.waitFor(30, TimeUnit.MINUTES);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
    }
    pump.join(10_000);
    String last;
    synchronized (tail) {
      last = String.join("\n", tail);
    }
    assertTrue(ended, "scripts/python-tests still ran after 30 min:\n" + last);
    assertEquals(0, p.exitValue(), "scripts/python-tests failed; its last lines:\n" + last);
  }
}
