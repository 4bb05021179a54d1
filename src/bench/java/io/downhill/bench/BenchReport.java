package io.downhill.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's Markdown report: time to a test accuracy for every system, the ratios against
 * numpy and Spark's optimizers with their targets met or missed, where a step's time goes, and
 * the machine's limits measured beside them.
 */
final class BenchReport {
  private final PrintStream console;
  private final Map<String, double[]> gemm;
  private final double[] kernel;
  private final double dataPassSeconds;
  private final int partitions;

  /**
   * @param gemm            GFLOP/s per GEMM shape: {one thread, per thread with every core busy}
   * @param kernel          the compute-bound gradient timed inside one long task: {ms, GFLOP/s per core}
   * @param dataPassSeconds one pass over the cached training blocks, the partitions in parallel
   * @param partitions      P of the cached training data
   */
  BenchReport(PrintStream console, Map<String, double[]> gemm, double[] kernel, double dataPassSeconds,
      int partitions) {
    this.console = console;
    this.gemm = gemm;
    this.kernel = kernel;
    this.dataPassSeconds = dataPassSeconds;
    this.partitions = partitions;
  }

  /** Prints every table and ratio of the runs, the alternatives and the machine. */
  void print(List<DownhillRun> runs, List<DownhillRun> computeBound, JsonNode numpy, List<SparkBaselines.Fit> fits,
      double jobFloor) {
    console.printf(Locale.ROOT, "%n## Time to a test accuracy%n%nTraining time only (every system's per-epoch test "
        + "evaluation excluded). The JVM was warmed up by three untimed short runs; each run's own first epoch is "
        + "included.%n%n");
    console.printf("| system | run | reaches target at | seconds to target | best accuracy | seconds per epoch |%n"
        + "| --- | --- | --- | --- | --- | --- |%n");
    Map<String, JsonNode> reference = new LinkedHashMap<>();
    if (numpy != null) {
      for (JsonNode r : numpy.get("runs")) {
        reference.put(r.get("name").asText(), r);
        JsonNode reached = r.get("reached");
        console.printf(Locale.ROOT, "| numpy %s, OpenBLAS threads %s | %s | %s | %s | %.4f | %.3f |%n",
            numpy.get("numpy").asText(), r.get("threads").asText(), r.get("name").asText(),
            reached.isNull() ? "never (" + r.get("epochs") + " epochs)" : "epoch " + reached.get("epoch"),
            reached.isNull() ? "-" : String.format(Locale.ROOT, "%.2f", reached.get("seconds").asDouble()),
            r.get("best_accuracy").asDouble(), r.get("seconds_per_epoch").asDouble());
      }
    }
    for (DownhillRun r : runs) {
      console.printf(Locale.ROOT, "| Downhill | %s | %s | %s | %.4f | %.3f |%n", r.name(),
          r.epochReached() == null ? "never (" + r.epochs() + " epochs)" : "epoch " + r.epochReached(),
          r.epochReached() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.secondsToTarget()), r.bestAccuracy(),
          r.secondsPerEpoch());
    }
    for (SparkBaselines.Fit f : fits) {
      console.printf(Locale.ROOT, "| %s | %s | %s | %.1f (the whole fit) | %.4f | - |%n", f.system(), f.settings(),
          f.accuracy() >= target(f) ? "yes" : "never", f.seconds(), f.accuracy());
    }

    console.printf(Locale.ROOT, "%n## Ratios%n%nAgainst numpy (target: time to the accuracy at most 1.5x numpy's):%n%n");
    for (DownhillRun r : runs) {
      JsonNode ref = reference.get(r.model());
      if (ref == null) {
        continue;
      }
      JsonNode reached = ref.get("reached");
      if (r.epochReached() != null && !reached.isNull()) {
        double ratio = r.secondsToTarget() / reached.get("seconds").asDouble();
        console.printf(Locale.ROOT, "- %s: time to %.2f %s numpy's (%.2f s against %.2f s) [%s]; an epoch %s%n",
            r.name(), r.target(), times(ratio), r.secondsToTarget(), reached.get("seconds").asDouble(),
            ratio <= 1.5 ? "met" : String.format(Locale.ROOT, "missed by %.1fx", ratio / 1.5),
            times(r.secondsPerEpoch() / ref.get("seconds_per_epoch").asDouble()));
      } else {
        console.printf(Locale.ROOT, "- %s: %s reaches %.2f (Downhill best %.4f in %d epochs, numpy best %.4f); "
                + "an epoch %s numpy's%n", r.name(), r.epochReached() == null ? (reached.isNull() ? "neither" : "only numpy")
                : "only Downhill", r.target(), r.bestAccuracy(), r.epochs(), ref.get("best_accuracy").asDouble(),
            times(r.secondsPerEpoch() / ref.get("seconds_per_epoch").asDouble()));
      }
    }
    console.printf(Locale.ROOT, "%nAgainst Spark's optimizers (targets: at least 20x sooner than LogisticRegression "
        + "reaches its best, 10x sooner than MultilayerPerceptronClassifier):%n%n");
    bestAgainst(runs, fits, "softmax", "Spark ML LogisticRegression", 20);
    bestAgainst(runs, fits, "softmax", "mllib GradientDescent.runMiniBatchSGD", 0);
    bestAgainst(runs, fits, "mlp-100", "Spark ML MultilayerPerceptronClassifier", 10);

    console.printf(Locale.ROOT, "%n## Where a step's time goes (medians after the first epoch)%n%n"
        + "Spark's floor, a job over the cached blocks that computes nothing (measured after the runs): %.1f ms.%n%n",
        jobFloor);
    console.printf("| run | step, ms | compute, ms (slowest partition) | Spark overhead, ms | of which the empty-job floor |"
        + " the rest: θ in, gradient out, driver update | GFLOP/s per core (compute) | GFLOP/s, machine (wall) |%n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- |%n");
    List<DownhillRun> all = new ArrayList<>(runs);
    all.addAll(computeBound);
    for (DownhillRun r : all) {
      double floor = jobFloor / r.localSteps(); // K local steps share one job
      console.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f |%n", r.name(), r.medianStepMs(),
          r.medianComputeMs(), r.overheadMs(), floor, r.overheadMs() - floor, r.gflopsPerCore(), r.gflopsWall());
    }
    console.println();
    double[] big = gemm.get(new MachineLimits.Shape(512, 784, 1024, false).label());
    double[] bigT = gemm.get(new MachineLimits.Shape(784, 512, 1024, true).label());
    double perThread = (big[1] + bigT[1]) / 2;
    if (!computeBound.isEmpty()) {
      DownhillRun r = computeBound.get(0);
      double kernelMs = kernel[0];
      double gflops = kernel[1];
      console.printf(Locale.ROOT, "- %s, the same gradient timed inside one long task per partition (no job per "
              + "step): %.2f ms, %.1f GFLOP/s per core, %.0f%% of the GEMM rate [%s]; inside a job per step %.2f ms%n",
          r.name(), kernelMs, gflops, 100 * gflops / perThread, gflops / perThread >= 0.7 ? "met" : "missed",
          r.medianComputeMs());
    }
    for (DownhillRun r : computeBound) {
      double share = r.gflopsPerCore() / perThread;
      console.printf(Locale.ROOT, "- %s (target: at least 70%% of the GEMM rate): compute at %.0f%% of the rate per core "
              + "[%s] (%.1f of %.1f GFLOP/s); the whole step at %.0f%% of the machine's (%.1f of %.1f)%n", r.name(),
          100 * share, share >= 0.7 ? "met" : "missed", r.gflopsPerCore(), perThread,
          100 * r.gflopsWall() / (perThread * 2), r.gflopsWall(), 2 * perThread);
    }
    for (DownhillRun r : runs) {
      if (r.model().equals("softmax")) {
        console.printf(Locale.ROOT, "- Spark overhead per step, softmax (7,850 parameters), %s (target: at most 3 ms): "
            + "%.2f ms [%s]%n", r.name(), r.overheadMs(), r.overheadMs() <= 3 ? "met" : String.format(Locale.ROOT,
            "missed by %.2f ms", r.overheadMs() - 3));
      }
    }
    console.printf(Locale.ROOT, "- One pass over the float32 training data: %.1f ms in Downhill's tasks (%d partitions "
        + "in parallel)%s%n", 1000 * dataPassSeconds, partitions, numpy == null ? "" : String.format(Locale.ROOT,
        ", %.1f ms in numpy (one process)", 1000 * numpy.get("data_pass_seconds").asDouble()));
    if (numpy != null) {
      console.printf("- GEMM float32 in numpy %s (OpenBLAS threads 1 | default), GFLOP/s: ", numpy.get("blas").asText());
      numpy.get("gemm_gflops").fields().forEachRemaining(e -> console.printf(Locale.ROOT, "%s %.0f | %.0f; ",
          e.getKey(), e.getValue().asDouble(), numpy.get("gemm_gflops_threads_default").get(e.getKey()).asDouble()));
      console.println();
    }
  }

  private static double target(SparkBaselines.Fit f) {
    return f.system().contains("Perceptron") ? 0.88 : 0.84;
  }

  /** A ratio of our time to theirs, in words: "2.4x slower than" / "3.1x faster than". */
  static String times(double ratio) {
    return ratio >= 1 ? String.format(Locale.ROOT, "%.1fx slower than", ratio)
        : String.format(Locale.ROOT, "%.1fx faster than", 1 / ratio);
  }

  /** How much sooner Downhill reaches the target than a Spark optimizer reaches its best accuracy. */
  private void bestAgainst(List<DownhillRun> runs, List<SparkBaselines.Fit> fits, String model, String system,
      double wanted) {
    SparkBaselines.Fit best = null;
    for (SparkBaselines.Fit f : fits) {
      if (f.system().equals(system) && (best == null || f.accuracy() > best.accuracy())) {
        best = f;
      }
    }
    if (best == null) {
      return;
    }
    for (DownhillRun r : runs) {
      if (r.model().startsWith(model) && r.epochReached() != null) {
        double ratio = best.seconds() / r.secondsToTarget();
        console.printf(Locale.ROOT, "- %s reaches %.2f in %.2f s: %.0fx sooner than %s reaches its best (%.4f after "
                + "%.1f s, %s)%s%n", r.name(), r.target(), r.secondsToTarget(), ratio, system, best.accuracy(),
            best.seconds(), best.settings(), wanted <= 0 ? "" : ratio >= wanted ? " [met]"
                : String.format(Locale.ROOT, " [missed: %.0fx wanted]", wanted));
      }
    }
  }
}
