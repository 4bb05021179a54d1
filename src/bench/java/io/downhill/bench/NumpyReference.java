package io.downhill.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.data.DataSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The numpy reference of the benchmark: {@code scripts/bench-reference.py} run as a child process
 * on the same Fashion-MNIST files, the same models and schedules, its results read back as JSON.
 */
final class NumpyReference {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NumpyReference() {}

  /**
   * Runs the reference twice, with one OpenBLAS thread and with OpenBLAS's default (every core);
   * each model keeps the faster of the two, and says which it was. Both runs' output and the
   * merged one go into {@code results}; null when no python3 with numpy is found.
   *
   * @param python a python3 with numpy, or null to look for one on the PATH
   * @param hidden the hidden widths of the MLPs, e.g. "100,256"
   */
  static JsonNode run(String python, DataSpec fashion, int softmaxEpochs, int mlpEpochs, String hidden,
      ObjectNode results, PrintStream console) throws Exception {
    String py = python != null ? python : findPython();
    if (py == null) {
      console.println("\n(numpy reference skipped: no python3 with numpy found; apt-get install python3-numpy)");
      return null;
    }
    Path script = Path.of(System.getProperty("downhill.home", "."), "scripts", "bench-reference.py");
    ObjectNode best = null;
    for (String threads : new String[] {"1", null}) {
      ProcessBuilder pb = new ProcessBuilder(py, script.toString(), "--data", fashion.path(), "--softmax-epochs",
          String.valueOf(softmaxEpochs), "--mlp-epochs", String.valueOf(mlpEpochs), "--hidden",
          hidden, "--mlp-optimizers", "adam,sgd");
      if (threads == null) {
        pb.environment().remove("OPENBLAS_NUM_THREADS");
      } else {
        pb.environment().put("OPENBLAS_NUM_THREADS", threads);
      }
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("numpy reference failed: " + output);
      }
      ObjectNode numpy = (ObjectNode) JSON.readTree(output);
      results.set("numpy_threads_" + (threads == null ? "default" : threads), numpy);
      for (JsonNode r : numpy.get("runs")) {
        ((ObjectNode) r).put("threads", threads == null ? "default (" + Runtime.getRuntime().availableProcessors()
            + " cores)" : threads);
      }
      best = best == null ? numpy : faster(best, numpy);
    }
    results.set("numpy", best);
    return best;
  }

  /** Per run, the one of two numpy results that reaches its target sooner (or trains faster when neither does). */
  private static ObjectNode faster(ObjectNode a, ObjectNode b) {
    ObjectNode merged = a.deepCopy();
    ArrayNode runs = merged.putArray("runs");
    for (int i = 0; i < a.get("runs").size(); i++) {
      JsonNode x = a.get("runs").get(i);
      JsonNode y = b.get("runs").get(i);
      runs.add(cost(y) < cost(x) ? y : x);
    }
    if (b.get("data_pass_seconds").asDouble() < a.get("data_pass_seconds").asDouble()) {
      merged.set("data_pass_seconds", b.get("data_pass_seconds"));
    }
    merged.set("gemm_gflops_threads_default", b.get("gemm_gflops"));
    return merged;
  }

  private static double cost(JsonNode run) {
    return run.get("reached").isNull() ? 1e9 + run.get("train_seconds").asDouble()
        : run.get("reached").get("seconds").asDouble();
  }

  private static String findPython() throws IOException, InterruptedException {
    for (String candidate : new String[] {"python3", "/usr/bin/python3"}) {
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
      } catch (IOException e) {
        // not there: try the next
      }
    }
    return null;
  }
}
