package io.downhill.bench;

import io.downhill.linalg.Buf;
import io.downhill.model.DenseLayer;
import io.downhill.model.Layer;
import io.downhill.model.Model;
import io.downhill.shard.BatchPlan;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.StepPlan;
import io.downhill.spark.SparkGradientSource;
import io.downhill.spark.TrainingData;
import io.downhill.train.EpochRecord;
import io.downhill.train.Fit;
import io.downhill.train.StepRecord;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingListener;
import io.downhill.train.TrainingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Downhill training run on cached data, with what the benchmark reads off it.
 *
 * @param sync           how its steps travelled, as {@link SparkGradientSource#describeSync} says
 * @param medianStepMs   a step's median: for a job per step the driver's wall time of the job and
 *                       update; on the collective transport the time inside the task (arithmetic,
 *                       exchange, update), without the launch of the segment around it
 * @param epochStepMs    an epoch's wall time over its steps, the median over the epochs: every
 *                       cost of a step included (the segment's launch on the collective transport)
 * @param flopsPerStep   floating-point operations of one step's gradient, all partitions together
 */
record DownhillRun(String name, String model, int localSteps, String sync, String settings, double target,
    Integer epochReached, double secondsToTarget, double bestAccuracy, int epochs, int stepsPerEpoch,
    double trainSeconds,
    double medianStepMs, double medianComputeMs, double epochStepMs, double flopsPerStep, double gflopsPerCore,
    double gflopsWall, List<Double> accuracies) {

  /** The exact synchronous steps' transports, {@link io.downhill.train.TrainingSettings#SYNC}. */
  static final String JOBS = "jobs";
  static final String COLLECTIVE = "collective";

  double secondsPerEpoch() {
    return trainSeconds / epochs;
  }

  double overheadMs() {
    return medianStepMs - medianComputeMs;
  }

  boolean collective() {
    return sync.startsWith(COLLECTIVE);
  }

  /**
   * Trains {@code config} on {@code data} through Spark, its exact steps on the transport
   * {@code sync} (jobs or collective); times exclude the per-epoch evaluations.
   */
  static DownhillRun run(String name, String modelName, int localSteps, String sync, String settings,
      JavaSparkContext jsc, TrainingData data, TrainingConfig config, double target) {
    Fit fit = Fit.of(config, data.features(), data.labels().numClasses(), "bench " + name, null);
    Model model = fit.model();
    List<Double> steps = new ArrayList<>();
    List<Double> compute = new ArrayList<>();
    List<Double> accuracies = new ArrayList<>();
    List<Double> epochSteps = new ArrayList<>();
    double[] trained = {0};
    Integer[] reached = {null};
    double[] reachedAt = {Double.NaN};
    long[] rows = {0};
    long[] stepsBefore = {0};
    TrainingListener listener = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        steps.add(s.seconds());
        compute.add(s.computeSeconds());
        rows[0] += s.rows();
      }

      @Override
      public void onEpoch(EpochRecord e) {
        trained[0] += e.stepSeconds();
        epochSteps.add(e.stepSeconds() / (e.steps() - stepsBefore[0]));
        stepsBefore[0] = e.steps();
        double acc = e.test().accuracy();
        accuracies.add(acc);
        if (reached[0] == null && acc >= target) {
          reached[0] = e.epoch() + 1;
          reachedAt[0] = trained[0];
        }
      }
    };
    String[] described = {null};
    TrainingResult result = fit.run(c -> {
      SparkGradientSource source = new SparkGradientSource(jsc, data, c).sync(sync, Duration.ofSeconds(120));
      described[0] = source.describeSync(config);
      return source;
    }, null, List.of(listener));
    // Skip the first epoch's steps (JIT warm-up) for the per-step medians when there is more than one.
    int epochs = result.epochs().size();
    int skip = epochs > 1 ? result.stepsPerEpoch() : 0;
    double flops = flopsPerRow(model) * rows[0];
    double computeSum = compute.stream().mapToDouble(Double::doubleValue).sum();
    int partitions = data.train().getNumPartitions();
    return new DownhillRun(name, modelName, localSteps, described[0], settings, target, reached[0], reachedAt[0],
        accuracies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), epochs,
        result.stepsPerEpoch(), trained[0],
        1000 * median(steps.subList(Math.min(skip, steps.size() - 1), steps.size())),
        1000 * median(compute.subList(Math.min(skip, compute.size() - 1), compute.size())),
        1000 * median(epochSteps.subList(epochs > 1 ? 1 : 0, epochSteps.size())), flops / steps.size(),
        flops / partitions / computeSum / 1e9, flops / trained[0] / 1e9, accuracies);
  }

  /**
   * GFLOP/s of the whole machine over a median step: in a job per step everything the driver
   * waits for, on the collective transport the step inside the task (its segment's launch left out).
   */
  double gflopsStep() {
    return flopsPerStep / medianStepMs / 1e6;
  }

  /**
   * The median milliseconds of one partition's gradient for {@code config}'s step, timed inside one
   * long Spark task per partition (all partitions at once, 40 steps each, the first 10 discarded):
   * the step's arithmetic without a job per step around it. The slowest partition's median, and
   * its GFLOP/s: {milliseconds, GFLOP/s}.
   */
  static double[] kernel(TrainingData data, TrainingConfig config) {
    Fit fit = Fit.of(config, data.features(), data.labels().numClasses(), "bench kernel", null);
    Model model = fit.model();
    ShardComputer computer = fit.computer();
    Buf params = computer.params(fit.initialTheta());
    int steps = BatchPlan.stepsPerEpoch(data.trainRows(), config.batchSize());
    List<Double> medians = data.train().mapPartitionsWithIndex((Integer p, java.util.Iterator<io.downhill.data.Shard> it) -> {
      io.downhill.data.Shard shard = it.next();
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long t0 = System.nanoTime();
        computer.gradient(shard, p, new StepPlan(0, i % steps, steps, i), params, io.downhill.model.BatchSums.ALONE);
        if (i >= 10) {
          ms.add((System.nanoTime() - t0) / 1e6);
        }
      }
      int rows = BatchPlan.start(shard.rows(), 1, steps) - BatchPlan.start(shard.rows(), 0, steps);
      return List.of(median(ms), flopsPerRow(model) * rows / median(ms) / 1e6).iterator();
    }, true).collect();
    double slowest = 0;
    double gflops = Double.MAX_VALUE;
    for (int i = 0; i < medians.size(); i += 2) {
      slowest = Math.max(slowest, medians.get(i));
      gflops = Math.min(gflops, medians.get(i + 1));
    }
    return new double[] {slowest, gflops};
  }

  /** Floating-point operations of one row's forward and backward pass: 2·in·out per GEMM. */
  static double flopsPerRow(Model model) {
    double flops = 0;
    boolean first = true;
    for (Layer layer : model.layers()) {
      if (layer instanceof DenseLayer dense) {
        double gemm = 2.0 * dense.inputs() * dense.outputs();
        flops += gemm * (first ? 2 : 3); // forward, dW, and dA except for the first layer
        first = false;
      }
    }
    return flops;
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
