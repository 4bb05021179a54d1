package io.downhill.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.gradcheck.GradientCheck;
import io.downhill.gradcheck.GradientCheckReport;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.loss.Regularizer;
import io.downhill.model.BatchNorm;
import io.downhill.model.BatchSums;
import io.downhill.model.Initializer;
import io.downhill.model.LayerSpec;
import io.downhill.model.Model;
import io.downhill.model.ModelFiles;
import io.downhill.model.ModelSpec;
import io.downhill.model.ParameterLayout;
import io.downhill.model.Pass;
import io.downhill.model.Workspace;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.MinibatchObjective;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.shard.StepPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch normalization ({@code --batch-norm before|after}): its gradient in both passes and both
 * placements, a step over a batch split across partitions (one empty) equal to the same batch in
 * one partition (the global minibatch's statistics, not each partition's), and a network with it
 * that learns and keeps its running statistics in its model file. The same through Spark and the
 * collective transport: {@code spark.DistributedEqualsLocalTest}, {@code spark.CollectiveEqualsJobsTest}.
 */
class BatchNormTest {

  private static final int N = 9;
  private static final int D = 6;

  /**
   * Central differences on N random rows in float64, an mlp 6-5-4-k with batch norm (and dropout),
   * at He weights with γ, β and the running statistics away from their start.
   */
  private static GradientCheckReport check(String lossName, double dropout, BatchNorm.Placement placement, Pass pass,
      long seed) {
    var loss = Losses.parse(lossName);
    int k = lossName.equals("logistic") ? 2 : 3;
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[N * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble() * 2 - 1;
    }
    int[] labels = new int[N];
    double[] weights = new double[N];
    for (int i = 0; i < N; i++) {
      labels[i] = rng.nextInt(k);
      weights[i] = 0.5 + rng.nextDouble();
    }
    Model model = Model.of(ModelSpec.mlp(D, List.of(5, 4), loss.outputs(k), "tanh", dropout, placement));
    double[] theta = awayFromStart(model, seed);
    MinibatchObjective f = new MinibatchObjective(model, loss, new Regularizer(1e-2), x, N, labels, weights, pass);
    return GradientCheck.defaults().run(f, theta);
  }

  /**
   * He weights, then biases, γ and β randomized, and the running statistics away from their start
   * (so that the sums' shift K, the running mean, is not 0).
   */
  private static double[] awayFromStart(Model model, long seed) {
    SplittableRandom rng = new SplittableRandom(seed + 2);
    double[] theta = new double[model.layout().size()];
    model.initializeInPlace(Initializer.he(), theta, seed);
    Initializer.randomizeBiases(model.layout(), theta, seed + 1); // also γ in [0.9, 1.1), β in [-0.1, 0.1)
    for (ParameterLayout.Slice s : model.layout().slices()) {
      for (int i = s.offset(); i < s.end(); i++) {
        if (s.name().startsWith("mean")) {
          theta[i] = rng.nextDouble() - 0.5;
        } else if (s.name().startsWith("var")) {
          theta[i] = 0.5 + rng.nextDouble();
        }
      }
    }
    return theta;
  }

  @Test
  void theTrainingPassWithBatchStatisticsIsDifferentiableWithEveryHeadAndPlacement() {
    for (BatchNorm.Placement placement : List.of(BatchNorm.Placement.BEFORE, BatchNorm.Placement.AFTER)) {
      for (String loss : new String[] {"softmax", "svm", "logistic"}) {
        GradientCheckReport r = check(loss, 0.0, placement, Pass.training(3), 3);
        assertTrue(r.passed(), r.format("batch norm " + placement + ", training pass, " + loss, 5));
      }
      GradientCheckReport r = check("softmax", 0.3, placement, Pass.training(11), 11);
      assertTrue(r.passed(), r.format("batch norm " + placement + " and dropout, training pass", 5));
    }
  }

  @Test
  void theEvaluationPassWithRunningStatisticsIsDifferentiable() {
    for (BatchNorm.Placement placement : List.of(BatchNorm.Placement.BEFORE, BatchNorm.Placement.AFTER)) {
      GradientCheckReport r = check("softmax", 0.0, placement, Pass.EVAL, 5);
      assertTrue(r.passed(), r.format("batch norm " + placement + ", evaluation pass", 5));
    }
  }

  @Test
  void placementPutsTheNormalizationBeforeOrAfterTheActivationAndTheModelFileKeepsIt(@TempDir Path dir)
      throws IOException {
    for (BatchNorm.Placement placement : BatchNorm.Placement.values()) {
      ModelSpec spec = ModelSpec.mlp(D, List.of(5, 4), 3, "relu", 0.2, placement);
      List<String> kinds = spec.layers().stream().map(LayerSpec::kind).toList();
      List<String> expected = switch (placement) {
        case NONE -> List.of("dense", "activation", "dropout", "dense", "activation", "dropout");
        case BEFORE -> List.of("dense", "batch-norm", "activation", "dropout", "dense", "batch-norm", "activation",
            "dropout");
        case AFTER -> List.of("dense", "activation", "batch-norm", "dropout", "dense", "activation", "batch-norm",
            "dropout");
      };
      assertEquals(expected, kinds, placement.label());
      assertEquals(placement, spec.batchNorm());
      Model model = Model.of(spec);
      double[] theta = awayFromStart(model, 3);
      Path file = dir.resolve(placement.label());
      ModelFiles.save(file, new ModelFiles.Saved(spec, "softmax", 3, ModelFiles.indexNames(3), false, "float32", theta,
          null));
      ModelFiles.Saved back = ModelFiles.load(file);
      assertEquals(spec, back.spec(), placement.label());
      assertEquals(placement, back.spec().batchNorm());
      assertArrayEquals(theta, back.theta(), 0.0);
    }
    assertEquals("mlp 6-5-4-3 (relu, batch norm after it, dropout 0.2)",
        ModelSpec.mlp(D, List.of(5, 4), 3, "relu", 0.2, BatchNorm.Placement.AFTER).describe());
  }

  /**
   * A step whose batch is split over three partitions (the middle one without rows) takes exactly
   * the step of the same rows in one partition: the normalization uses the global batch's mean and
   * variance, and the backward pass its global sums, totalled in rounds. Each partition normalizing
   * its own rows instead gives another gradient, which the last assertion shows.
   */
  @Test
  void aBatchSplitOverPartitionsTakesTheStepOfTheWholeBatch() {
    for (BatchNorm.Placement placement : List.of(BatchNorm.Placement.BEFORE, BatchNorm.Placement.AFTER)) {
      List<Shard> two = Fixtures.clusters(14, D, 3, 2, 1, Precision.FLOAT64, 9);
      List<Shard> split = List.of(two.get(0), new Shard(List.of(), 1, D), two.get(1));
      List<Block> blocks = new ArrayList<>(two.get(0).blocks());
      blocks.addAll(two.get(1).blocks());
      Shard whole = new Shard(blocks, 1, D);
      Model model = Model.of(ModelSpec.mlp(D, List.of(5, 4), 3, "tanh", 0.0, placement));
      ShardComputer computer = new ShardComputer(model, Losses.parse("softmax"), 3, Precision.FLOAT64, 4);
      double[] theta = awayFromStart(model, 4);
      StepPlan plan = new StepPlan(0, 0, 1, 0); // every row of every partition: the same batch in both runs
      GradientAccumulator parts = new LocalGradientSource(computer, split, Map.of()).gradient(theta, plan);
      GradientAccumulator one = new LocalGradientSource(computer, List.of(whole), Map.of()).gradient(theta, plan);
      assertEquals(14, parts.rows());
      assertArrayEquals(one.gradSum(), parts.gradSum(), 1e-12, placement + ": the gradient");
      assertEquals(one.lossSum(), parts.lossSum(), 1e-12, placement + ": the loss");
      assertArrayEquals(one.statsSum(), parts.statsSum(), 1e-12, placement + ": the batch statistics");

      GradientAccumulator own = GradientAccumulator.empty();
      for (int p = 0; p < split.size(); p++) {
        own.merge(computer.gradient(split.get(p), p, plan, computer.params(theta), BatchSums.ALONE));
      }
      double differs = 0;
      for (int i = 0; i < theta.length; i++) {
        differs = Math.max(differs, Math.abs(own.gradSum()[i] - one.gradSum()[i]));
      }
      assertTrue(differs > 1e-3, placement + ": per-partition statistics give another gradient: " + differs);
    }
  }

  @Test
  void aStepMovesTheRunningStatisticsTowardsTheBatchs() {
    // dense layer 1 is the identity, so batch norm sees the rows themselves: x₁ = 1, 2, 6 and x₂ = 0, 0, 3
    Model model = Model.of(ModelSpec.mlp(2, List.of(2), 2, "relu", 0.0, BatchNorm.Placement.BEFORE));
    double[] theta = new double[model.layout().size()];
    model.initializeInPlace(Initializer.gaussian(0), theta, 0); // zero weights, the state's starting values
    ParameterLayout layout = model.layout();
    theta[layout.slice("W1").offset()] = 1;
    theta[layout.slice("W1").offset() + 3] = 1;
    double[] x = {1, 0, 2, 0, 6, 3};
    double[] stats = new double[model.statsSize()];
    Workspace ws = new Workspace();
    Buf params = Buf.wrap(theta.clone());
    model.forward(params, Buf.wrap(x), 0, 3, ws, Pass.training(1));
    model.accumulateStats(params, Buf.wrap(x), 0, 3, ws, stats);
    model.mergeStatsInPlace(theta, stats);
    // means 3 and 1, unbiased variances 7 and 3; momentum 0.9 from mean 0 and variance 1
    assertArrayEquals(new double[] {0.3, 0.1}, slice(theta, layout.slice("mean1")), 1e-15);
    assertArrayEquals(new double[] {0.9 + 0.7, 0.9 + 0.3}, slice(theta, layout.slice("var1")), 1e-15);
  }

  /**
   * Features far from 0 against their spread (mean 1000, spread 1e-3: mean²/σ² = 10¹²), where
   * {@code Σx² - (Σx)²/N} in double loses about four digits of σ²: the sums shifted by the running
   * mean keep the normalization and the running variance to 1e-9 of a two-pass reference.
   */
  @Test
  void sumsShiftedByTheRunningMeanKeepTheStatisticsOfAFarFromZeroBatch() {
    Model model = Model.of(ModelSpec.mlp(1, List.of(1), 2, "relu", 0.0, BatchNorm.Placement.BEFORE));
    ParameterLayout layout = model.layout();
    double[] theta = new double[layout.size()];
    model.initializeInPlace(Initializer.gaussian(0), theta, 0);
    theta[layout.slice("W1").offset()] = 1; // batch norm sees the rows themselves
    theta[layout.slice("mean1").offset()] = 1000; // the running mean, tracking the batches
    theta[layout.slice("var1").offset()] = 0;
    int n = 64;
    double[] x = new double[n];
    SplittableRandom rng = new SplittableRandom(8);
    double mean = 0;
    for (int i = 0; i < n; i++) {
      x[i] = 1000 + 0.0003 + 1e-3 * rng.nextGaussian();
      mean += x[i] / n;
    }
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    Buf params = Buf.wrap(theta.clone());
    Workspace ws = new Workspace();
    model.forward(params, Buf.wrap(x), 0, n, ws, Pass.training(1));
    for (int i = 0; i < n; i++) {
      double xHat = (x[i] - mean) / Math.sqrt(ss / n + BatchNorm.EPS);
      assertEquals(xHat, ws.output(1).get(i), 1e-9, "row " + i);
    }
    double[] stats = new double[model.statsSize()];
    model.accumulateStats(params, Buf.wrap(x), 0, n, ws, stats);
    model.mergeStatsInPlace(theta, stats);
    double var = ss / (n - 1);
    assertEquals(0.1 * var, theta[layout.slice("var1").offset()], 1e-9 * 0.1 * var, "running variance");
    assertEquals(900 + 0.1 * mean, theta[layout.slice("mean1").offset()], 1e-12, "running mean");
  }

  private static double[] slice(double[] theta, ParameterLayout.Slice s) {
    return Arrays.copyOfRange(theta, s.offset(), s.end());
  }

  @Test
  void aSmallNetworkWithBatchNormLearnsAndItsModelFileKeepsTheRunningStatistics(@TempDir Path dir)
      throws IOException {
    for (String placement : List.of("before", "after")) {
      TrainingConfig config = TrainingConfig.builder().loss("softmax").hidden(List.of(16)).batchNorm(placement)
          .optimizer("adam").learningRate(0.01).batchSize(32).epochs(5).seed(7).build();
      List<Shard> shards = Fixtures.clusters(600, D, 3, 2, 64, Precision.FLOAT32, 4);
      Fit fit = Fit.of(config, D, 3, "test", null);
      assertEquals("mlp 6-16-3 (relu, batch norm " + placement + " it)", fit.model().spec().describe());
      List<Double> losses = new ArrayList<>();
      TrainingListener watch = new TrainingListener() {
        @Override
        public void onStep(StepRecord s) {
          losses.add(s.loss());
        }
      };
      TrainingResult r = fit.run(new LocalGradientSource(fit.computer(), shards, Map.of(Split.TRAIN, shards)), null,
          List.of(watch));
      double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double last = losses.subList(losses.size() - 5, losses.size()).stream().mapToDouble(Double::doubleValue)
          .average().orElseThrow();
      assertTrue(last < 0.5 * first, placement + ": minibatch loss " + first + " -> " + last);
      assertTrue(r.last().train().accuracy() > 0.9,
          placement + ": evaluated with running statistics: " + r.last().train().accuracy());

      Path file = dir.resolve(placement);
      ModelFiles.save(file, new ModelFiles.Saved(fit.model().spec(), "softmax", 3, ModelFiles.indexNames(3), false,
          "float32", r.theta(), null));
      ModelFiles.Saved back = ModelFiles.load(file);
      assertEquals(fit.model().spec(), back.spec());
      assertArrayEquals(r.theta(), back.theta(), 0.0);
    }
  }

  @Test
  void localStepsAreRefusedWithBatchNormalization() {
    TrainingConfig config = TrainingConfig.builder().loss("softmax").hidden(List.of(8)).batchNorm("after")
        .localSteps(4).build();
    BadInputException e = assertThrows(BadInputException.class, () -> Fit.of(config, D, 3, "test", null));
    assertTrue(e.getMessage().contains("local steps with batch normalization"), e.getMessage());
  }
}
