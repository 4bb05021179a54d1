package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.downhill.testing.DataFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures as a scheduler sees them: {@code scripts/downhill} run as its own process, its exit code
 * and every line it prints on stderr counted, whatever Spark logs around the failure. Each failure
 * is one line (the JVM's own "Using incubator modules" notice aside, which conf/jvm.options'
 * {@code --add-modules=jdk.incubator.vector} causes before any of our code runs), the full trace is
 * in the log file beside {@code --out}, and {@code --out} is untouched.
 */
class QuietFailuresIT {
  private static final Path ROOT = Path.of(System.getProperty("downhill.home", ".")).toAbsolutePath();
  @TempDir
  static Path dir;
  static Path idx;

  @BeforeAll
  static void data() throws IOException {
    idx = DataFiles.idxDirectory(dir.resolve("idx"), 1200, 300, 6, 6, 4, true);
  }

  /** A finished process: exit code, stdout, and stderr without the JVM's incubator notice. */
  record Run(int code, String out, List<String> err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + String.join("\n", err);
    }
  }

  private static Process start(Path outFile, Path errFile, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/downhill").toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(outFile.toFile())
        .redirectError(errFile.toFile()).start();
  }

  private static Run run(String name, String... args) throws Exception {
    Path out = dir.resolve(name + ".stdout");
    Path err = dir.resolve(name + ".stderr");
    Process p = start(out, err, args);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), name + ": still running after 180 s");
    return finished(p, out, err);
  }

  private static Run finished(Process p, Path out, Path err) throws IOException {
    List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules")).toList();
    return new Run(p.exitValue(), Files.readString(out), lines);
  }

  private static String[] train(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", "idx:" + idx, "--batch-size", "64",
        "--out", out.toString()));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  private static void assertOneLine(Run r, int code, String phrase) {
    assertEquals(code, r.code(), r.toString());
    assertEquals(1, r.err().size(), "one line on stderr: " + r);
    assertTrue(r.err().get(0).startsWith("downhill: ") && r.err().get(0).contains(phrase), r.toString());
  }

  @Test
  void aTruncatedFileIsOneLineItsTraceIsInTheLogBesideOut() throws Exception {
    Path broken = dir.resolve("truncated");
    DataFiles.idxDirectory(broken, 1200, 300, 6, 6, 4, true);
    Path images = broken.resolve("train-images-idx3-ubyte.gz");
    try (RandomAccessFile f = new RandomAccessFile(images.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    Path out = dir.resolve("out-truncated");
    Run r = run("truncated", "train", "--data", "idx:" + broken, "--out", out.toString());
    assertOneLine(r, 2, "truncated");
    assertFalse(Files.exists(out), "nothing at --out");
    String log = Files.readString(dir.resolve("out-truncated.log"));
    assertTrue(log.contains("BadInputException") && log.contains("\tat io.downhill.data."), "the trace is in the log");
  }

  @Test
  void sparkSettingsThatSparkRefusesAreBadInput() throws Exception {
    assertOneLine(run("bogus", train(dir.resolve("o1"), "--master", "bogus://x")), 2, "--master bogus://x");
    assertOneLine(run("local0", train(dir.resolve("o2"), "--master", "local[0]")), 2, "--master local[0]");
    assertOneLine(run("conf", train(dir.resolve("o3"), "--spark-conf", "spark.executor.memory=lots")), 2,
        "spark.executor.memory=lots");
  }

  @Test
  void anUnreachableMasterIsExit4WithinTheClusterTimeout() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    long t0 = System.nanoTime();
    Run r = run("unreachable", train(dir.resolve("o4"), "--master", "spark://127.0.0.1:" + port,
        "--cluster-timeout", "3"));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(4, r.code(), r.toString());
    assertTrue(r.err().size() <= 2, "the wait notice and the one line: " + r);
    assertTrue(r.err().get(r.err().size() - 1).contains("cluster unreachable"), r.toString());
    assertTrue(seconds < 60, "well before Spark's own minute of registration attempts: " + seconds + " s");
  }

  @Test
  void anExplodingRunIsExit3AndKeepsTheLastGoodModel() throws Exception {
    Path out = dir.resolve("nightly");
    Run good = run("good", train(out, "--epochs", "1"));
    assertEquals(0, good.code(), good.toString());
    assertTrue(good.err().isEmpty(), "a successful run prints nothing on stderr: " + good);
    String summary = Files.readString(out.resolve("summary.json"));
    assertFalse(Files.readString(dir.resolve("nightly.log")).contains("locally checkpointed"),
        "Spark's lineage warning for the cached blocks is not logged");

    assertOneLine(run("exploded", train(out, "--epochs", "1", "--lr", "1e6")), 3, "loss exploded");
    // a loss that turns NaN and a line search whose every trial fails: CliTest, in this JVM
    assertEquals(summary, Files.readString(out.resolve("summary.json")), "the last good run is still there");
  }

  @Test
  void sigtermAndSigintStopWithOneLineAndCleanUpAndASecondRunIsRefusedMeanwhile() throws Exception {
    for (String signal : new String[] {"TERM", "INT"}) {
      if (signal.equals("INT") && sigintIgnored()) {
        // started with SIGINT ignored (a background job of a shell), the JVM leaves it ignored: there is no
        // ctrl-C to handle, and the child would inherit that too
        System.out.println("QuietFailuresIT: SIGINT is ignored in this process tree; its case is skipped");
        continue;
      }
      Path out = dir.resolve("long-" + signal);
      Path stdout = dir.resolve(signal + ".stdout");
      Path stderr = dir.resolve(signal + ".stderr");
      Process p = start(stdout, stderr, train(out, "--epochs", "100000"));
      Path metrics = RunOutput.running(out).resolve("metrics.jsonl");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!(Files.isRegularFile(metrics) && Files.size(metrics) > 0) && System.nanoTime() < deadline) {
        assertTrue(p.isAlive(), "ended before training: " + Files.readString(stderr));
        TimeUnit.MILLISECONDS.sleep(200);
      }
      assertTrue(Files.size(metrics) > 0, "training started");
      if (signal.equals("TERM")) {
        Run second = run("second", train(out, "--epochs", "1"));
        assertOneLine(second, 2, "another run is writing this folder");
        assertTrue(second.err().get(0).contains("pid " + p.pid()), second.toString());
      }
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped within a minute of SIG" + signal);
      assertOneLine(finished(p, stdout, stderr), signal.equals("TERM") ? 143 : 130, "stopped by SIG" + signal);
      assertFalse(Files.exists(out), "nothing at --out");
      assertFalse(Files.exists(RunOutput.running(out)), "the running folder was removed");
    }
  }

  /** Whether this process ignores SIGINT (bit 2 of /proc/self/status's SigIgn mask), as its children then do. */
  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
      }
    }
    return false;
  }

  @Test
  void aFullDiskIsExit4WithOneLineAndNoHalfWrittenOutput() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("tiny-disk"));
    Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    assumeTrue(m.waitFor(20, TimeUnit.SECONDS) && m.exitValue() == 0, "cannot mount a small tmpfs here (not root?)");
    try {
      Path out = mount.resolve("run");
      Run r = run("full", train(out, "--epochs", "1", "--log-file", dir.resolve("full.log").toString()));
      assertOneLine(r, 4, "out of disk space");
      assertFalse(Files.exists(out), "nothing at --out");
      assertFalse(Files.exists(RunOutput.running(out)), "the running folder was removed");
    } finally {
      new ProcessBuilder("umount", mount.toString()).start().waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void badDataInTheTasksIsOneLine() throws Exception {
    // a trailing byte after the last IDX image, found while a task reads the file
    Path trailing = dir.resolve("trailing");
    DataFiles.idxDirectory(trailing, 1200, 300, 6, 6, 4, false);
    Files.write(trailing.resolve("train-images-idx3-ubyte"), new byte[] {7}, java.nio.file.StandardOpenOption.APPEND);
    assertOneLine(run("trailing", "train", "--data", "idx:" + trailing, "--out", dir.resolve("o5").toString()), 2,
        "train-images-idx3-ubyte");
    // a CIFAR-10 label of 11
    Path cifar = DataFiles.cifarDirectory(dir.resolve("cifar"), 20, 10);
    byte[] batch = Files.readAllBytes(cifar.resolve("data_batch_3.bin"));
    batch[5 * 3073] = 11;
    Files.write(cifar.resolve("data_batch_3.bin"), batch);
    assertOneLine(run("cifar", "train", "--data", "cifar10:" + cifar, "--out", dir.resolve("o6").toString()), 2,
        "data_batch_3.bin");
    // one non-numeric cell in a CSV column (it used to turn the column into text, silently dropped)
    List<String> rows = new ArrayList<>(List.of("label,a,b"));
    for (int i = 0; i < 40; i++) {
      rows.add((i % 2) + "," + i + "," + (i == 21 ? "x7" : Integer.toString(2 * i)));
    }
    Path csv = DataFiles.lines(dir.resolve("cell.csv"), rows);
    assertOneLine(run("csv", "train", "--data", "csv:" + csv, "--out", dir.resolve("o7").toString()), 2, "'x7'");
  }

  @Test
  void aDamagedModelAndDataOfAnotherWidthAreOneLineForEvaluateAndPredict() throws Exception {
    Path run = dir.resolve("scored");
    Run trained = run("scored-train", train(run, "--epochs", "1"));
    assertEquals(0, trained.code(), trained.toString());

    Path narrow = DataFiles.idxDirectory(dir.resolve("narrow"), 100, 50, 5, 6, 4, true);
    assertOneLine(run("evaluate-width", "evaluate", "--model", run.toString(), "--data", "idx:" + narrow), 2,
        "36 features");
    Path scores = dir.resolve("scores");
    assertOneLine(run("predict-width", "predict", "--model", run.toString(), "--data", "idx:" + narrow, "--out",
        scores.toString()), 2, "36 features");
    assertFalse(Files.exists(scores));
    Path trainRun = Files.createDirectories(dir.resolve("a-train-run"));
    Files.writeString(trainRun.resolve(RunOutput.MARKER), "{\"command\":\"train\"}");
    assertOneLine(run("predict-over-train", "predict", "--model", run.toString(), "--data", "idx:" + idx, "--out",
        trainRun.toString()), 2, "holds the output of another command");
    assertTrue(Files.exists(trainRun.resolve(RunOutput.MARKER)), "the training run is kept");

    Path parquet;
    try (Stream<Path> files = Files.walk(run.resolve("model/stages"))) {
      parquet = files.filter(f -> f.toString().contains("downhill") && f.toString().endsWith(".parquet")
          && !f.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(parquet);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(parquet, bytes);
    assertOneLine(run("evaluate-damaged", "evaluate", "--model", run.toString()), 2, parquet.getFileName().toString());
    assertOneLine(run("predict-damaged", "predict", "--model", run.toString(), "--data", "idx:" + idx, "--out",
        scores.toString()), 2, parquet.getFileName().toString());
  }
}
