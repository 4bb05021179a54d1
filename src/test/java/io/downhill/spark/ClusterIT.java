package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.data.DataSpec;
import io.downhill.model.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster (scripts/cluster: a Master and two Workers, each a separate JVM,
 * executors launched by the Workers) runs a 1-epoch softmax training on Fashion-MNIST submitted
 * through SparkSubmit. Both executors must compute gradients, and the final weights must equal a
 * local[2] run with the same seed and partition count.
 */
class ClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of(System.getProperty("downhill.home", ".")).toAbsolutePath();
  private static final Path WORK = ROOT.resolve("target/cluster-it");
  private static final Map<String, String> CLUSTER_ENV = Map.of(
      "DOWNHILL_CLUSTER_DIR", WORK.resolve("cluster").toString(),
      "DOWNHILL_MASTER_PORT", "7177", "DOWNHILL_MASTER_UI_PORT", "8180", "DOWNHILL_WORKER_UI_PORT", "8181",
      "DOWNHILL_WORKER_MEMORY", "1g");
  private static final List<String> TRAIN_ARGS = List.of("train", "--data", "fashion-mnist", "--epochs", "1",
      "--partitions", "2", "--batch-size", "256", "--lr", "0.1", "--seed", "7", "--spark-conf", "spark.ui.enabled=false");

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
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(CLUSTER_ENV);
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish within " + timeoutSeconds + " s; log: " + Files.readString(log));
    }
    String output = Files.readString(log);
    assertEquals(0, p.exitValue(), command + " failed:\n" + output);
    return output;
  }

  @Test
  void clusterTrainingUsesBothExecutorsAndEqualsTheLocalRun() throws Exception {
    Path clusterOut = WORK.resolve("cluster-run");
    Path localOut = WORK.resolve("local-run");
    String jar = System.getProperty("downhill.jar");
    String classpath = Files.readString(ROOT.resolve("target/classpath.txt")).trim();

    List<String> submit = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "@" + ROOT.resolve("conf/jvm.options"), "-Xmx2g",
        "-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"),
        "-cp", classpath, "org.apache.spark.deploy.SparkSubmit",
        "--master", "spark://127.0.0.1:7177", "--deploy-mode", "client", "--class", "io.downhill.cli.Main",
        "--conf", "spark.executor.memory=768m", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s", "--conf", "spark.locality.wait=0s",
        jar));
    submit.addAll(TRAIN_ARGS);
    submit.addAll(List.of("--out", clusterOut.toString()));
    long t0 = System.nanoTime();
    String clusterLog = run(submit, WORK.resolve("cluster-run.log"), 480);
    double clusterSeconds = (System.nanoTime() - t0) / 1e9;

    List<String> local = new ArrayList<>(List.of(ROOT.resolve("scripts/downhill").toString()));
    local.addAll(TRAIN_ARGS);
    local.addAll(List.of("--master", "local[2]", "--out", localOut.toString()));
    run(local, WORK.resolve("local-run.log"), 300);

    JsonNode summary = JSON.readTree(clusterOut.resolve("summary.json").toFile());
    assertTrue(summary.get("master").asText().startsWith("spark://127.0.0.1:7177"), summary.toString());
    JsonNode tasks = summary.get("gradient_tasks_by_executor");
    assertEquals(2, tasks.size(), "two executors ran gradient tasks: " + tasks);
    long steps = summary.get("steps").asLong();
    long total = 0;
    for (JsonNode n : tasks) {
      assertTrue(n.asLong() > 0, "every executor computed gradients: " + tasks);
      total += n.asLong();
    }
    assertEquals(2 * steps, total, "one task per partition per step: " + tasks);
    assertTrue(!tasks.has("driver"), "no gradient ran in the driver: " + tasks);

    double[] clusterTheta = ModelFiles.load(clusterOut.resolve("model")).theta();
    double[] localTheta = ModelFiles.load(localOut.resolve("model")).theta();
    assertEquals(localTheta.length, clusterTheta.length);
    double maxDiff = 0;
    for (int i = 0; i < localTheta.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(localTheta[i] - clusterTheta[i]));
    }
    System.out.printf("cluster run %.1f s (%s steps, tasks %s); max |θ_cluster - θ_local| = %.3g%n", clusterSeconds,
        steps, tasks, maxDiff);
    assertTrue(maxDiff <= 1e-6, "cluster and local weights differ by " + maxDiff + "\n" + clusterLog);
    JsonNode localSummary = JSON.readTree(localOut.resolve("summary.json").toFile());
    assertEquals(localSummary.get("test_accuracy").asDouble(), summary.get("test_accuracy").asDouble(), 1e-3);
  }
}
