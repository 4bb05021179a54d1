package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.data.DataSpec;
import io.downhill.model.ModelFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Spark standalone cluster (scripts/cluster: a Master and two Workers, each a separate JVM,
 * executors launched by the Workers) runs a 1-epoch softmax training on Fashion-MNIST submitted
 * through SparkSubmit. Both executors must compute gradients, and the final weights must equal a
 * local[2] run with the same seed and partition count.
 *
 * <p>The same run on the collective transport (barrier tasks that all-reduce among themselves)
 * must give the jobs run's weights bit for bit. Then faults, in this order, on the generated
 * dataset (cheaper to start and to recompute), each against an uninterrupted run's weights: an
 * executor SIGKILLed mid-training, with a job per step and mid-segment on the collective transport
 * (Spark reruns its tasks or the barrier stage; same weights); the driver SIGKILLed after a
 * checkpoint and the command rerun with {@code --resume} (same weights, collective); last, because
 * it takes the
 * cluster down, the Master and both Workers SIGKILLed under a running driver, which must fail with
 * exit code 4 within {@code --cluster-timeout} plus a margin instead of waiting forever.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of(System.getProperty("downhill.home", ".")).toAbsolutePath();
  private static final Path WORK = ROOT.resolve("target/cluster-it");
  private static final Path CLUSTER_DIR = WORK.resolve("cluster");
  private static final String MASTER = "spark://127.0.0.1:7177";
  private static final String MASTER_JSON = "http://127.0.0.1:8180/json/";
  private static final Map<String, String> CLUSTER_ENV = Map.of(
      "DOWNHILL_CLUSTER_DIR", CLUSTER_DIR.toString(),
      "DOWNHILL_MASTER_PORT", "7177", "DOWNHILL_MASTER_UI_PORT", "8180", "DOWNHILL_WORKER_UI_PORT", "8181",
      "DOWNHILL_WORKER_MEMORY", "1g");
  private static final List<String> TRAIN_ARGS = List.of("train", "--data", "fashion-mnist", "--epochs", "1",
      "--partitions", "2", "--batch-size", "256", "--lr", "0.1", "--seed", "7", "--spark-conf", "spark.ui.enabled=false");
  /**
   * The faults' runs (an executor or the driver killed): the generated dataset (10811 training
   * rows, made inside the tasks) for 3 epochs, so that recomputing a lost executor's blocks and
   * starting each run cost seconds rather than Fashion-MNIST's loading; the last flag given wins.
   */
  private static final List<String> FAULT_DATA = List.of("--data", "synthetic", "--epochs", "3");
  /** Printed by the driver when the first step starts. */
  private static final String TRAINING_STARTED = "training: ";

  /** The uninterrupted cluster run: its weights and how long it took. */
  private record Baseline(double[] theta, double seconds, Path dir) {}

  private static Baseline baseline;
  private static Baseline faultBaseline;

  @BeforeAll
  static void startCluster() throws Exception {
    DataSpec.parse("fashion-mnist", DataSpec.searchDirs(null)); // fails clearly when the data is absent
    Files.createDirectories(WORK);
    run(List.of(ROOT.resolve("scripts/cluster").toString(), "start"), WORK.resolve("cluster-start.log"), 180);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    run(List.of(ROOT.resolve("scripts/cluster").toString(), "stop"), WORK.resolve("cluster-stop.log"), 120);
  }

  private static String run(List<String> command, Path log, long timeoutSeconds) throws IOException, InterruptedException {
    Process p = start(command, log);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail(command + " did not finish within " + timeoutSeconds + " s; log: " + Files.readString(log));
    }
    String output = Files.readString(log);
    assertEquals(0, p.exitValue(), command + " failed:\n" + output);
    return output;
  }

  private static Process start(List<String> command, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(CLUSTER_ENV);
    return pb.start();
  }

  /**
   * {@code train} with {@code extra} flags, submitted to the cluster through SparkSubmit (client
   * mode: this JVM is the driver). {@code spark.cores.max} makes
   * {@code minRegisteredResourcesRatio} wait for both executors (without it the expected cores
   * are 0 and a job may start on one executor).
   */
  private static List<String> submit(List<String> extra) throws IOException {
    String jar = System.getProperty("downhill.jar");
    String classpath = Files.readString(ROOT.resolve("target/classpath.txt")).trim();
    List<String> submit = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "@" + ROOT.resolve("conf/jvm.options"), "-Xmx2g",
        "-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"),
        "-cp", classpath, "org.apache.spark.deploy.SparkSubmit",
        "--master", MASTER, "--deploy-mode", "client", "--class", "io.downhill.cli.Main",
        "--conf", "spark.executor.memory=768m", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.cores.max=2", "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
        jar));
    submit.addAll(TRAIN_ARGS);
    submit.addAll(extra);
    return submit;
  }

  /** The trained weights of a run folder (read through the model files; one place to change with their format). */
  private static double[] theta(Path runDir) throws IOException {
    return ModelFiles.load(runDir.resolve("model")).theta();
  }

  private static double maxAbsDiff(double[] a, double[] b) {
    assertEquals(a.length, b.length, "parameter counts");
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * The uninterrupted cluster run, a Spark job per step ({@code --sync jobs}), made once (by the
   * first test, or by whichever runs first).
   */
  private static Baseline baseline() throws Exception {
    if (baseline == null) {
      baseline = uninterrupted("cluster-run", List.of("--sync", "jobs"));
    }
    return baseline;
  }

  /** The uninterrupted jobs run of {@link #FAULT_DATA}, which the faults' runs must end equal to. */
  private static Baseline faultBaseline() throws Exception {
    if (faultBaseline == null) {
      List<String> flags = new ArrayList<>(FAULT_DATA);
      flags.add("--sync");
      flags.add("jobs");
      faultBaseline = uninterrupted("fault-baseline-run", flags);
    }
    return faultBaseline;
  }

  /** Runs the training of {@code TRAIN_ARGS} with {@code flags} to {@code WORK/name}, uninterrupted. */
  private static Baseline uninterrupted(String name, List<String> flags) throws Exception {
    Path out = WORK.resolve(name);
    deleteTree(out);
    List<String> args = new ArrayList<>(flags);
    args.addAll(List.of("--out", out.toString()));
    long t0 = System.nanoTime();
    run(submit(args), WORK.resolve(name + ".console"), 480);
    return new Baseline(theta(out), seconds(t0), out);
  }

  /** Waits until {@code log} contains {@code needle}; fails if {@code p} exits first or time runs out. */
  private static void awaitLog(Process p, Path log, String needle, long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains(needle)) {
        return;
      }
      if (!p.isAlive()) {
        fail("the driver exited (" + p.exitValue() + ") before printing '" + needle + "':\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    p.destroyForcibly().waitFor();
    fail("no '" + needle + "' within " + timeoutSeconds + " s:\n" + Files.readString(log));
  }

  private static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** A daemon started by scripts/cluster, by its recorded pid, checked to still run {@code mainClass}. */
  private static ProcessHandle daemon(String name, String mainClass) throws IOException {
    long pid = Long.parseLong(Files.readString(CLUSTER_DIR.resolve(name + ".pid")).trim());
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    assertTrue(h.isPresent() && cmdline(pid).contains(mainClass), name + " (pid " + pid + ") runs " + mainClass);
    return h.get();
  }

  /** The executor JVMs the Workers started after {@code since} (children of the Worker pids). */
  private static List<ProcessHandle> executors(Instant since) throws IOException {
    List<ProcessHandle> out = new ArrayList<>();
    for (String worker : List.of("worker-1", "worker-2")) {
      daemon(worker, "org.apache.spark.deploy.worker.Worker").children()
          .filter(c -> cmdline(c.pid()).contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
          .filter(c -> c.info().startInstant().map(s -> !s.isBefore(since)).orElse(false))
          .forEach(out::add);
    }
    return out;
  }

  private static void awaitExit(Process p, long timeoutSeconds, Path log) throws Exception {
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail("the driver did not finish within " + timeoutSeconds + " s:\n" + Files.readString(log));
    }
  }

  private static List<Path> checkpoints(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().matches("checkpoint-\\d{12}")).sorted().toList();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  @Test
  @Order(1)
  void clusterTrainingUsesBothExecutorsAndEqualsTheLocalRun() throws Exception {
    Baseline cluster = baseline();
    Path clusterOut = cluster.dir();
    Path localOut = WORK.resolve("local-run");

    List<String> local = new ArrayList<>(List.of(ROOT.resolve("scripts/downhill").toString()));
    local.addAll(TRAIN_ARGS);
    local.addAll(List.of("--master", "local[2]", "--out", localOut.toString()));
    run(local, WORK.resolve("local-run.console"), 300);

    JsonNode summary = JSON.readTree(clusterOut.resolve("summary.json").toFile());
    assertTrue(summary.get("master").asText().startsWith(MASTER), summary.toString());
    JsonNode tasks = summary.get("gradient_tasks_by_executor");
    assertEquals(2, tasks.size(), "two executors ran gradient tasks: " + tasks);
    long steps = summary.get("steps").asLong();
    long total = 0;
    for (JsonNode n : tasks) {
      assertTrue(n.asLong() > 0, "every executor computed gradients: " + tasks);
      total += n.asLong();
    }
    assertEquals(2 * steps, total, "one task per partition per step (--sync jobs): " + tasks);
    assertTrue(!tasks.has("driver"), "no gradient ran in the driver: " + tasks);

    double maxDiff = maxAbsDiff(theta(localOut), cluster.theta());
    System.out.printf("cluster run %.1f s (%s steps, tasks %s); max |θ_cluster - θ_local| = %.3g%n", cluster.seconds(),
        steps, tasks, maxDiff);
    assertTrue(maxDiff <= 1e-6, "cluster and local weights differ by " + maxDiff + "\n"
        + Files.readString(WORK.resolve("cluster-run.console")));
    JsonNode localSummary = JSON.readTree(localOut.resolve("summary.json").toFile());
    assertEquals(localSummary.get("test_accuracy").asDouble(), summary.get("test_accuracy").asDouble(), 1e-3);
  }

  /**
   * The same run on the collective transport: one barrier stage per epoch whose two tasks (one per
   * executor) all-reduce among themselves, ending with the jobs run's weights bit for bit.
   */
  @Test
  @Order(2)
  void collectiveStepsOnTheClusterEqualTheJobsRunBitForBit() throws Exception {
    Baseline jobs = baseline();
    Path out = WORK.resolve("collective-run");
    long t0 = System.nanoTime();
    String output = run(submit(List.of("--sync", "collective", "--out", out.toString())),
        WORK.resolve("collective-run.console"), 480);
    double seconds = seconds(t0);
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    JsonNode jobsSummary = JSON.readTree(jobs.dir().resolve("summary.json").toFile());
    assertTrue(summary.get("sync").asText().startsWith("collective"), summary.get("sync").asText());
    assertTrue(output.contains("steps: collective ("), output);
    JsonNode tasks = summary.get("gradient_tasks_by_executor");
    assertEquals(2, tasks.size(), "both executors ran the barrier stage's tasks: " + tasks);
    for (JsonNode n : tasks) {
      assertEquals(1, n.asLong(), "one task per partition for the epoch's one segment: " + tasks);
    }
    double maxDiff = maxAbsDiff(jobs.theta(), theta(out));
    double stepMs = 1000 * summary.get("seconds_per_step").asDouble();
    double jobsStepMs = 1000 * jobsSummary.get("seconds_per_step").asDouble();
    System.out.printf("collective cluster run %.1f s (jobs %.1f s); median step %.2f ms (jobs %.2f ms); epoch %.2f s "
        + "(jobs %.2f s); max |θ_collective - θ_jobs| = %.3g%n", seconds, jobs.seconds(), stepMs, jobsStepMs,
        summary.get("seconds_per_epoch").asDouble(), jobsSummary.get("seconds_per_epoch").asDouble(), maxDiff);
    assertEquals(0.0, maxDiff, "collective and jobs weights differ:\n" + output);
  }

  /**
   * One executor JVM SIGKILLed once steps run: the driver logs the lost executor, reruns its tasks
   * on the other one (recomputing the lost cached blocks) while the Worker starts a replacement,
   * and the run ends with the uninterrupted run's weights.
   */
  @Test
  @Order(3)
  void anExecutorKilledMidTrainingChangesNoWeight() throws Exception {
    List<String> flags = new ArrayList<>(FAULT_DATA);
    flags.addAll(List.of("--sync", "jobs"));
    killAnExecutor("executor-killed-run", flags, 1500, faultBaseline());
  }

  /**
   * The same on the collective transport, the kill landing inside a segment: a 784-2048-10 network
   * on the generated data, whose one epoch is one barrier stage of 43 steps lasting seconds (about 50
   * ms each), killed 0.7 s after training starts. The surviving task's link to the dead one breaks,
   * the barrier stage fails, and {@code CollectiveSegments} runs the segment again from its start
   * once the Worker's replacement executor gives it two task slots again; the weights are an
   * uninterrupted run's.
   */
  @Test
  @Order(4)
  void anExecutorKilledMidSegmentChangesNoWeight() throws Exception {
    List<String> mlp = List.of("--data", "synthetic", "--sync", "collective", "--model", "mlp", "--hidden", "2048");
    Baseline base = uninterrupted("collective-mlp-run", mlp);
    String output = killAnExecutor("executor-killed-collective-run", mlp, 700, base);
    assertTrue(output.contains("steps: collective ("), output);
    assertTrue(output.contains("failed, running it again from its start (2 of 4 attempts)"), "a segment was cut by "
        + "the kill and run again:\n" + output);
  }

  /**
   * Runs the training of {@code TRAIN_ARGS} with {@code flags}, SIGKILLs an executor
   * {@code afterMillis} after training starts, and compares the weights with {@code base}'s.
   */
  private static String killAnExecutor(String name, List<String> flags, long afterMillis, Baseline base)
      throws Exception {
    Path out = WORK.resolve(name);
    Path log = WORK.resolve(name + ".console");
    deleteTree(out);
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    List<String> args = new ArrayList<>(flags);
    args.addAll(List.of("--out", out.toString()));
    Process driver = start(submit(args), log);
    awaitLog(driver, log, TRAINING_STARTED, 300);
    double trainingAt = seconds(t0);
    Thread.sleep(afterMillis); // some steps done
    List<ProcessHandle> executors = executors(started);
    assertEquals(2, executors.size(), "one executor per Worker for this run: " + executors);
    ProcessHandle victim = executors.get(0);
    assertFalse(Files.readString(log).contains("test accuracy "), "the kill comes before training ends");
    assertTrue(victim.destroyForcibly(), "SIGKILL sent to executor pid " + victim.pid());
    double killedAt = seconds(t0);
    awaitExit(driver, 480, log);
    double total = seconds(t0);
    String output = Files.readString(log);
    assertEquals(0, driver.exitValue(), "the run survives the lost executor:\n" + output);
    assertFalse(victim.isAlive(), "executor pid " + victim.pid() + " is gone");
    // Spark's own log goes to the log file beside --out, not the console (docs/BATCH-JOBS.md)
    String sparkLog = Files.readString(WORK.resolve(name + ".log"));
    assertTrue(sparkLog.contains("Lost executor"), "the driver saw the executor go:\n" + sparkLog);

    JsonNode tasks = JSON.readTree(out.resolve("summary.json").toFile()).get("gradient_tasks_by_executor");
    double maxDiff = maxAbsDiff(base.theta(), theta(out));
    System.out.printf("%s: executor pid %d SIGKILLed %.1f s after training started; run %.1f s (uninterrupted "
        + "%.1f s); gradient tasks by executor %s; max |θ - θ_uninterrupted| = %.3g%n", name, victim.pid(),
        killedAt - trainingAt, total, base.seconds(), tasks, maxDiff);
    assertTrue(maxDiff <= 1e-6, "weights after a lost executor differ by " + maxDiff + "\n" + output);
    return output;
  }

  /**
   * The driver SIGKILLed after its first checkpoint: the Master removes its application (freeing
   * both executors), and the same command with {@code --resume} continues from the checkpoint and
   * ends with the uninterrupted run's weights.
   */
  @Test
  @Order(5)
  void aDriverKilledAfterACheckpointResumesToTheSameWeights() throws Exception {
    Baseline base = faultBaseline();
    Path out = WORK.resolve("resumed-run");
    Path log = WORK.resolve("driver-killed-run.console");
    Path dir = WORK.resolve("checkpoints");
    deleteTree(dir);
    deleteTree(out);
    // the default transport (auto: collective here), a segment cut at every checkpoint
    List<String> flags = new ArrayList<>(FAULT_DATA);
    flags.addAll(List.of("--checkpoint-dir", dir.toString(), "--checkpoint-every", "10", "--out", out.toString()));
    long t0 = System.nanoTime();
    Process driver = start(submit(flags), log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (checkpoints(dir).isEmpty()) {
      if (!driver.isAlive() || System.nanoTime() > deadline) {
        driver.destroyForcibly().waitFor();
        fail("no checkpoint written before the driver " + (driver.isAlive() ? "timed out" : "exited") + ":\n"
            + Files.readString(log));
      }
      Thread.sleep(100);
    }
    driver.destroyForcibly().waitFor(); // SIGKILL
    double killedAt = seconds(t0);
    assertEquals(137, driver.exitValue(), "the driver died of SIGKILL");
    List<Path> left = checkpoints(dir);
    assertFalse(left.isEmpty(), "checkpoints survive the driver");
    assertFalse(Files.exists(out), "a killed run leaves nothing at --out");

    // The Master removes a dead driver's application and its executors; the rerun needs both.
    long t1 = System.nanoTime();
    JsonNode master = null;
    while (seconds(t1) < 60) {
      master = JSON.readTree(URI.create(MASTER_JSON).toURL());
      if (master.get("activeapps").isEmpty() && master.get("coresused").asInt() == 0) {
        break;
      }
      Thread.sleep(250);
    }
    assertNotNull(master);
    assertTrue(master.get("activeapps").isEmpty(), "the killed driver's application is gone: " + master);
    double freedAfter = seconds(t1);

    List<String> resume = new ArrayList<>(flags);
    resume.add("--resume");
    long t2 = System.nanoTime();
    String output = run(submit(resume), WORK.resolve("resumed-run.console"), 480);
    double resumedSeconds = seconds(t2);
    assertTrue(output.contains("resuming from checkpoint-"), output);
    assertTrue(output.contains("steps: collective (auto: "), output);
    JsonNode tasks = JSON.readTree(out.resolve("summary.json").toFile()).get("gradient_tasks_by_executor");
    assertEquals(2, tasks.size(), "the rerun got both executors: " + tasks);
    assertTrue(checkpoints(dir).isEmpty(), "a finished run clears its checkpoints");
    double maxDiff = maxAbsDiff(base.theta(), theta(out));
    System.out.printf("driver killed: SIGKILL %.1f s after submit, checkpoints then %s; application removed by the "
        + "Master within %.1f s; resumed run %.1f s (uninterrupted %.1f s), tasks %s; max |θ - θ_uninterrupted| = "
        + "%.3g%n", killedAt, left.stream().map(p -> p.getFileName().toString()).toList(), freedAfter, resumedSeconds,
        base.seconds(), tasks, maxDiff);
    assertTrue(maxDiff <= 1e-6, "resumed weights differ by " + maxDiff + "\n" + output);
  }

  /**
   * docs/BATCH-JOBS.md's nightly job, conf/nightly-job.sh as it ships, run two nights against this
   * cluster with spark-submit (Spark's SparkSubmit from the Maven jars, scripts/spark-submit): the
   * first trains cold, passes the floor, is promoted and scores the new rows; the second is warm-started
   * from the served model, misses a floor of 1.01, exits 10 and changes neither the served model nor
   * the predictions.
   */
  @Test
  @Order(6)
  void theNightlyJobTrainsWarmStartsGatesPromotesAndPredicts() throws Exception {
    Path night = WORK.resolve("nightly");
    deleteTree(night);
    Path data = io.downhill.testing.DataFiles.idxDirectory(night.resolve("data"), 1200, 300, 6, 6, 4, true);
    Path conf = Files.writeString(night.resolve("nightly.properties"), String.join("\n",
        "data=idx:" + data, "model=softmax", "optimizer=sgd", "lr=0.5", "epochs=2", "batch-size=64",
        "partitions=2", "seed=7", ""));
    Path serve = night.resolve("serving/nightly");
    Path predictions = night.resolve("predictions/nightly");
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "SPARK_SUBMIT", ROOT.resolve("scripts/spark-submit").toString(), "MASTER", MASTER,
        "JAR", System.getProperty("downhill.jar"), "CONF", conf.toString(),
        "OUT", night.resolve("runs/nightly").toString(), "SERVE", serve.toString(),
        "CHECKPOINT_DIR", night.resolve("checkpoints").toString(), "LOG_DIR", night.resolve("logs").toString(),
        "PREDICT_DATA", "idx:" + data, "PREDICTIONS", predictions.toString()));
    env.put("EXECUTOR_MEMORY", "768m");
    env.put("SUBMIT_EXTRA", "--conf spark.driver.host=127.0.0.1 --conf spark.cores.max=2 "
        + "--conf spark.scheduler.minRegisteredResourcesRatio=1.0 --conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s "
        + "--conf spark.ui.enabled=false");
    env.put("DOWNHILL_JAVA_OPTS", "-Xmx1g");

    env.put("FLOOR", "0.8");
    String first = nightly(env, night.resolve("night-1.log"), 0);
    assertTrue(first.contains("downhill nightly: ok: accuracy") && !first.contains("warm-started"), first);
    JsonNode served = JSON.readTree(serve.resolve("summary.json").toFile());
    assertFalse(served.has("init_model"), "the first night trains from scratch");
    JsonNode scored = JSON.readTree(predictions.resolve("summary.json").toFile());
    assertEquals(300, scored.get("rows").asLong(), "predict scored the 300 new (test) rows: " + scored);

    // the second night is warm-started from the served model and held to a floor no run can reach: it
    // trains, is not promoted and scores nothing (one night for both, each a spark-submit less)
    String servedBefore = Files.readString(serve.resolve("summary.json"));
    String predictedBefore = Files.readString(predictions.resolve("summary.json"));
    env.put("FLOOR", "1.01");
    String second = nightly(env, night.resolve("night-2.log"), 10);
    assertTrue(second.contains("below the floor 1.01"), second);
    JsonNode warm = JSON.readTree(Path.of(env.get("OUT")).resolve("summary.json").toFile());
    assertTrue(warm.path("init_model").toString().contains(serve.toString()),
        "the second night was warm-started from the served model: " + warm.path("init_model"));
    assertTrue(warm.get("final_loss").asDouble() < served.get("final_loss").asDouble(),
        "two more epochs from yesterday's weights end lower than yesterday");
    assertEquals(servedBefore, Files.readString(serve.resolve("summary.json")), "a run below the floor is not promoted");
    assertEquals(predictedBefore, Files.readString(predictions.resolve("summary.json")), "and scores nothing");
  }

  /** Runs conf/nightly-job.sh with {@code env}; asserts its exit code; returns what it printed. */
  private static String nightly(Map<String, String> env, Path log, int expected) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("conf/nightly-job.sh").toString()).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail("the nightly job did not finish within 600 s:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertEquals(expected, p.exitValue(), "nightly job exit code:\n" + output + logs(Path.of(env.get("LOG_DIR"))));
    return output;
  }

  private static String logs(Path dir) throws IOException {
    StringBuilder b = new StringBuilder();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.sorted().toList()) {
          b.append("\n--- ").append(f).append("\n").append(Files.readString(f));
        }
      }
    }
    return b.toString();
  }

  /**
   * Last: the Master and both Workers SIGKILLed under a training driver (the executors exit with
   * their Workers). Spark alone would wait forever for the master; the watchdog stops it once the
   * master has been unreachable and no task has finished for {@code --cluster-timeout} seconds, and
   * the command exits with code 4 and one line naming the master.
   */
  @Test
  @Order(7)
  void aDriverWhoseClusterIsGoneFailsWithExitCode4InBoundedTime() throws Exception {
    int timeout = 15;
    Path out = WORK.resolve("cluster-lost-run");
    Path log = WORK.resolve("cluster-lost-run.console");
    Instant started = Instant.now();
    // the generated dataset (read in the tasks) starts sooner; the last flag given wins
    Process driver = start(submit(List.of("--data", "synthetic", "--epochs", "1000", "--cluster-timeout",
        Integer.toString(timeout), "--out", out.toString())), log);
    awaitLog(driver, log, TRAINING_STARTED, 300);
    Thread.sleep(1000);
    List<ProcessHandle> executors = executors(started);
    List<ProcessHandle> daemons = List.of(daemon("master", "org.apache.spark.deploy.master.Master"),
        daemon("worker-1", "org.apache.spark.deploy.worker.Worker"),
        daemon("worker-2", "org.apache.spark.deploy.worker.Worker"));
    long t0 = System.nanoTime();
    daemons.forEach(ProcessHandle::destroyForcibly);
    int margin = 60;
    boolean exited = driver.waitFor(timeout + margin, TimeUnit.SECONDS);
    double after = seconds(t0);
    // executors whose Worker is gone exit on their own (WorkerWatcher); any left over is killed here
    long orphans = executors.stream().filter(e -> {
      try {
        e.onExit().get(15, TimeUnit.SECONDS);
        return false;
      } catch (Exception notYet) {
        e.destroyForcibly();
        return true;
      }
    }).count();
    if (!exited) {
      driver.destroyForcibly().waitFor();
      // the console has no Spark warnings; the log file beside --out does (what the scheduler did)
      Path sparkLog = WORK.resolve("cluster-lost-run.log");
      List<String> warnings = Files.exists(sparkLog) ? Files.readAllLines(sparkLog).stream()
          .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList() : List.of();
      fail("the driver still ran " + (timeout + margin) + " s after the cluster went away:\n" + Files.readString(log)
          + "\nits log's last warnings:\n" + String.join("\n", warnings.subList(Math.max(0, warnings.size() - 40),
          warnings.size())));
    }
    String output = Files.readString(log);
    assertEquals(4, driver.exitValue(), "exit code 4, cluster failure:\n" + output);
    assertTrue(output.contains("downhill: cluster lost: master " + MASTER + " unreachable for "), output);
    assertTrue(after >= timeout, "it waited the timeout (" + after + " s)");
    assertFalse(Files.exists(out), "a failed run leaves nothing at --out");
    String line = output.lines().filter(l -> l.startsWith("downhill: cluster lost")).findFirst().orElseThrow();
    System.out.printf("cluster lost: exit %d %.1f s after the Master and Workers were SIGKILLed (--cluster-timeout "
        + "%d); %d of %d executors had to be killed by the test; \"%s\"%n", driver.exitValue(), after, timeout,
        orphans, executors.size(), line);
    assertEquals(0, orphans, "executors exit with their Workers");
  }
}
