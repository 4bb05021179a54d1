package io.downhill.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.data.Shard;
import io.downhill.gradcheck.GradientCheck;
import io.downhill.gradcheck.GradientCheckReport;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.loss.Regularizer;
import io.downhill.model.Initializer;
import io.downhill.model.Model;
import io.downhill.model.ModelFiles;
import io.downhill.model.ModelSpec;
import io.downhill.model.ParameterLayout;
import io.downhill.model.Pass;
import io.downhill.model.Workspace;
import io.downhill.shard.MinibatchObjective;
import io.downhill.shard.Split;
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
 * Batch normalization ({@code --batch-norm}): its gradient in both passes, and a network with it
 * that learns and keeps its running statistics in its model file. Statistics gathered over two
 * partitions against one: {@code spark.DistributedEqualsLocalTest}.
 */
class BatchNormTest {

  private static final int N = 9;
  private static final int D = 6;

  /**
   * Central differences on N random rows in float64, an mlp 6-5-4-k with batch norm (and dropout),
   * at He weights with γ, β and the running statistics away from their start.
   */
  private static GradientCheckReport check(String lossName, double dropout, Pass pass, long seed) {
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
    Model model = Model.of(ModelSpec.mlp(D, List.of(5, 4), loss.outputs(k), "tanh", dropout, true));
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
    MinibatchObjective f = new MinibatchObjective(model, loss, new Regularizer(1e-2), x, N, labels, weights, pass);
    return GradientCheck.defaults().run(f, theta);
  }

  @Test
  void theTrainingPassWithBatchStatisticsIsDifferentiableWithEveryHead() {
    for (String loss : new String[] {"softmax", "svm", "logistic"}) {
      GradientCheckReport r = check(loss, 0.0, Pass.training(3), 3);
      assertTrue(r.passed(), r.format("batch norm, training pass, " + loss, 5));
    }
    GradientCheckReport r = check("softmax", 0.3, Pass.training(11), 11);
    assertTrue(r.passed(), r.format("batch norm and dropout, training pass", 5));
  }

  @Test
  void theEvaluationPassWithRunningStatisticsIsDifferentiable() {
    GradientCheckReport r = check("softmax", 0.0, Pass.EVAL, 5);
    assertTrue(r.passed(), r.format("batch norm, evaluation pass", 5));
  }

  @Test
  void aStepMovesTheRunningStatisticsTowardsTheBatchs() {
    // dense layer 1 is the identity, so batch norm sees the rows themselves: x₁ = 1, 2, 6 and x₂ = 0, 0, 3
    Model model = Model.of(ModelSpec.mlp(2, List.of(2), 2, "relu", 0.0, true));
    double[] theta = new double[model.layout().size()];
    model.initializeInPlace(Initializer.gaussian(0), theta, 0); // zero weights, the state's starting values
    ParameterLayout layout = model.layout();
    theta[layout.slice("W1").offset()] = 1;
    theta[layout.slice("W1").offset() + 3] = 1;
    double[] x = {1, 0, 2, 0, 6, 3};
    double[] stats = new double[model.statsSize()];
    Workspace ws = new Workspace();
    model.forward(Buf.wrap(theta.clone()), Buf.wrap(x), 0, 3, ws, Pass.training(1));
    model.accumulateStats(Buf.wrap(x), 0, 3, ws, stats);
    model.mergeStatsInPlace(theta, stats);
    // means 3 and 1, unbiased variances 7 and 3; momentum 0.9 from mean 0 and variance 1
    assertArrayEquals(new double[] {0.3, 0.1}, slice(theta, layout.slice("mean1")), 1e-15);
    assertArrayEquals(new double[] {0.9 + 0.7, 0.9 + 0.3}, slice(theta, layout.slice("var1")), 1e-15);
  }

  private static double[] slice(double[] theta, ParameterLayout.Slice s) {
    return Arrays.copyOfRange(theta, s.offset(), s.end());
  }

  @Test
  void aSmallNetworkWithBatchNormLearnsAndItsModelFileKeepsTheRunningStatistics(@TempDir Path dir)
      throws IOException {
    TrainingConfig config = TrainingConfig.builder().loss("softmax").hidden(List.of(16)).batchNorm(true)
        .optimizer("adam").learningRate(0.01).batchSize(32).epochs(5).seed(7).build();
    List<Shard> shards = Fixtures.clusters(600, D, 3, 2, 64, Precision.FLOAT32, 4);
    Fit fit = Fit.of(config, D, 3, "test", null);
    assertEquals("mlp 6-16-3 (relu, batch norm)", fit.model().spec().describe());
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
    assertTrue(last < 0.5 * first, "minibatch loss " + first + " -> " + last);
    assertTrue(r.last().train().accuracy() > 0.9, "evaluated with running statistics: " + r.last().train().accuracy());

    ModelFiles.save(dir.resolve("m"), new ModelFiles.Saved(fit.model().spec(), "softmax", 3, ModelFiles.indexNames(3),
        false, "float32", r.theta(), null));
    ModelFiles.Saved back = ModelFiles.load(dir.resolve("m"));
    assertEquals(fit.model().spec(), back.spec());
    assertArrayEquals(r.theta(), back.theta(), 0.0);
  }
}
