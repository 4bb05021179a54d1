package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a command process's logs go ({@link Logs}), checked in a JVM of its own (it reconfigures
 * the process's logging): a java.util.logging warning from a thread whose context class loader
 * log4j holds no context for (as on a Spark task thread, where Guava's {@code Closeables} warned
 * with a stack trace when a cancelled task closed its shuffle file) goes to the log file, not to
 * the terminal through a fresh context read from conf/log4j2.properties.
 */
class LogsTest {
  private static final Path ROOT = Path.of(System.getProperty("downhill.home", ".")).toAbsolutePath();

  /** The probe process: logging set up as {@code Main.main} does, then JUL warnings from two threads. */
  public static void main(String[] args) throws Exception {
    Logs.enable();
    Logs.start(Path.of(args[0]), "logs probe");
    java.util.logging.Logger.getLogger("org.sparkproject.guava.io.Closeables")
        .log(java.util.logging.Level.WARNING, "from the main thread", new java.io.IOException("main"));
    Thread task = new Thread(() -> java.util.logging.Logger.getLogger("org.sparkproject.guava.io.Closeables")
        .log(java.util.logging.Level.WARNING, "from a task thread", new java.io.IOException("task")));
    task.setContextClassLoader(new URLClassLoader(new URL[0], null)); // no parent log4j knows
    task.start();
    task.join();
  }

  @Test
  void javaUtilLoggingFromAnyThreadGoesToTheLogFileNotTheTerminal(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("probe.log");
    Path err = dir.resolve("stderr");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + ROOT.resolve("conf/jvm.options"), "-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"),
        "-cp", System.getProperty("java.class.path"), LogsTest.class.getName(), log.toString()));
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(dir.resolve("stdout").toFile())
        .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe finished");
    List<String> errLines = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules")).toList();
    assertEquals(0, p.exitValue(), String.join("\n", errLines));
    assertEquals(List.of(), errLines, "nothing on the terminal");
    String file = Files.readString(log);
    assertTrue(file.contains("WARN  [main] org.sparkproject.guava.io.Closeables: from the main thread")
        && file.contains("java.io.IOException: main"), file);
    assertTrue(file.contains("org.sparkproject.guava.io.Closeables: from a task thread")
        && file.contains("java.io.IOException: task"), file);
  }
}
