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
    console.printf("Step: with a job per step, the driver's wall time of the job and the update; collective, the "
        + "step inside the task (arithmetic, the all-reduce, the update of the task's θ). Wall per step: the epoch's "
        + "time over its steps (collective: the barrier stage's launch included).%n%n"
        + "| run | step, ms | compute, ms (slowest partition) | overhead (step − compute), ms | of which the empty-job "
        + "floor | the rest: θ in, gradient out, driver update | wall per step, ms | GFLOP/s per core (compute) "
        + "| GFLOP/s, machine (wall) |%n| --- | --- | --- | --- | --- | --- | --- | --- | --- |%n");
    List<DownhillRun> all = new ArrayList<>(runs);
    all.addAll(computeBound);
    for (DownhillRun r : all) {
      double floor = jobFloor / r.localSteps(); // K local steps share one job
      console.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %s | %s | %.2f | %.1f | %.1f |%n", r.name(),
          r.medianStepMs(), r.medianComputeMs(), r.overheadMs(), r.collective() ? "-" : fixed(floor),
          r.collective() ? "-" : fixed(r.overheadMs() - floor), r.epochStepMs(), r.gflopsPerCore(), r.gflopsWall());
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
      console.printf(Locale.ROOT, "- %s (the compute alone, at least 70%% of the GEMM rate per core): %.0f%% "
              + "[%s] (%.1f of %.1f GFLOP/s); the whole step at %.0f%% of the machine's (%.1f of %.1f)%n", r.name(),
          100 * share, share >= 0.7 ? "met" : "missed", r.gflopsPerCore(), perThread,
          100 * r.gflopsWall() / (perThread * 2), r.gflopsWall(), 2 * perThread);
    }
    for (DownhillRun r : runs) {
      if (r.model().equals("softmax") && r.localSteps() > 1) { // K=1: the section on the transports
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

  /**
   * The exact synchronous runs (K=1) on both transports side by side: per model, the overhead of a
   * step (target for the softmax: at most 0.3 ms), the wall time per step, the time to the target
   * against numpy's (target: at most 1.5x), and for the compute-bound case the whole step's share
   * of the machine's GEMM rate (target: at least 70%).
   */
  void printSync(List<DownhillRun> runs, List<DownhillRun> computeBound, JsonNode numpy) {
    List<DownhillRun> all = new ArrayList<>(runs);
    all.addAll(computeBound);
    Map<String, DownhillRun[]> pairs = new LinkedHashMap<>();
    for (DownhillRun r : all) {
      if (r.localSteps() == 1) {
        pairs.computeIfAbsent(r.model(), m -> new DownhillRun[2])[r.collective() ? 1 : 0] = r;
      }
    }
    Map<String, Double> reference = new LinkedHashMap<>();
    if (numpy != null) {
      for (JsonNode r : numpy.get("runs")) {
        if (!r.get("reached").isNull()) {
          reference.put(r.get("name").asText(), r.get("reached").get("seconds").asDouble());
        }
      }
    }
    console.printf(Locale.ROOT, "%n## Jobs against collective: exact synchronous steps (K=1)%n%nThe same steps, bit "
        + "for bit, a Spark job each or a barrier stage per epoch whose tasks all-reduce among themselves. Step "
        + "and overhead (step − compute): with jobs the driver's wall time; collective inside the task, so the "
        + "overhead is the exchange and the update of the task's θ. Wall per step: the epoch's time over its steps, "
        + "everything included (collective: launching the epoch's barrier stage).%n%n"
        + "| run | transport | step, ms | compute, ms | overhead, ms | wall per step, ms | wall − step per epoch, s "
        + "| seconds to target | numpy's |%n| --- | --- | --- | --- | --- | --- | --- | --- | --- |%n");
    pairs.forEach((model, pair) -> {
      for (DownhillRun r : pair) {
        if (r != null) {
          Double ref = reference.get(model);
          console.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s |%n", r.name(), r.sync(),
              r.medianStepMs(), r.medianComputeMs(), r.overheadMs(), r.epochStepMs(),
              (r.epochStepMs() - r.medianStepMs()) * r.stepsPerEpoch() / 1000,
              r.epochReached() == null ? "never" : fixed(r.secondsToTarget()), ref == null ? "-" : fixed(ref));
        }
      }
    });
    console.println();
    double[] big = gemm.get(new MachineLimits.Shape(512, 784, 1024, false).label());
    double[] bigT = gemm.get(new MachineLimits.Shape(784, 512, 1024, true).label());
    double machine = (big[1] + bigT[1]) / 2 * partitions;
    pairs.forEach((model, pair) -> {
      DownhillRun jobs = pair[0];
      DownhillRun collective = pair[1];
      if (jobs == null || collective == null) {
        return;
      }
      boolean softmax = model.equals("softmax");
      console.printf(Locale.ROOT, "- %s: overhead per step %.2f ms with jobs, %.2f ms collective (%.1fx less)%s; "
              + "wall per step %.2f ms and %.2f ms (%.1fx less)%n", model, jobs.overheadMs(), collective.overheadMs(),
          jobs.overheadMs() / collective.overheadMs(), softmax ? " [target at most 0.3 ms: " + (collective.overheadMs()
              <= 0.3 ? "met" : String.format(Locale.ROOT, "missed by %.2f ms", collective.overheadMs() - 0.3)) + "]" : "",
          jobs.epochStepMs(), collective.epochStepMs(), jobs.epochStepMs() / collective.epochStepMs());
      Double ref = reference.get(model);
      if (ref != null && (softmax || model.equals("mlp-100 adam"))) {
        console.printf(Locale.ROOT, "- %s: time to %.2f collective %s, jobs %s [target collective at most 1.5x "
            + "numpy's %.2f s: %s]%n", model, collective.target(), toTarget(collective, ref), toTarget(jobs, ref), ref,
            collective.epochReached() != null && collective.secondsToTarget() <= 1.5 * ref ? "met" : "missed");
      }
      if (computeBound.contains(collective)) {
        console.printf(Locale.ROOT, "- %s (target: the whole step at least 70%% of the machine's GEMM rate, %.1f "
                + "GFLOP/s): jobs %.0f%% (%.1f GFLOP/s) [%s], collective %.0f%% (%.1f) [%s]; over the epoch's wall "
                + "time, launch included: jobs %.0f%%, collective %.0f%%%n", model, machine,
            100 * jobs.gflopsStep() / machine, jobs.gflopsStep(), jobs.gflopsStep() >= 0.7 * machine ? "met" : "missed",
            100 * collective.gflopsStep() / machine, collective.gflopsStep(),
            collective.gflopsStep() >= 0.7 * machine ? "met" : "missed", 100 * jobs.gflopsWall() / machine,
            100 * collective.gflopsWall() / machine);
      }
    });
  }

  private static String toTarget(DownhillRun r, double reference) {
    return r.epochReached() == null ? String.format(Locale.ROOT, "never (best %.4f)", r.bestAccuracy())
        : String.format(Locale.ROOT, "%.2f s, %.1fx numpy's", r.secondsToTarget(), r.secondsToTarget() / reference);
  }

  private static String fixed(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
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
