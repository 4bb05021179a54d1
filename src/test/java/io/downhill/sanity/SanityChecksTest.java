package io.downhill.sanity;

import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.train.LocalGradientSource;
import io.downhill.train.TrainingConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sanity checks pass on a sound setup and fail, with the reason, on a broken one. */
class SanityChecksTest {
  private static final int K = 4;
  private static final Shard DATA = blobs(2000, 20, K, 11);

  private static Shard blobs(int n, int d, int k, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(k);
      for (int j = 0; j < d; j++) {
        x[i * d + j] = rng.nextGaussian() + (j % k == y[i] ? 1 : 0);
      }
    }
    return new Shard(List.of(new Block(n, d, Buf.wrap(x), y, null)), n, d);
  }

  private static List<SanityChecks.Check> run(TrainingConfig config) {
    Model model = Model.of(config.model().spec(DATA.cols(), K));
    Loss loss = Losses.parse(config.loss());
    SanityChecks sanity = new SanityChecks(model, loss, config, K);
    LocalGradientSource source = new LocalGradientSource(new ShardComputer(model, loss, K, Precision.FLOAT64,
        config.seed()), List.of(DATA), Map.of(Split.TRAIN, List.of(DATA)));
    double[] theta = sanity.initialTheta();
    double dataLoss = source.evaluate(theta, Split.TRAIN).loss();
    return List.of(sanity.initialLoss(t -> source.evaluate(t, Split.TRAIN), dataLoss, 0.02),
        sanity.regularization(theta, dataLoss, new double[] {0, 1e-4, 1e-2, 1}),
        sanity.overfit(DATA, 20, 300),
        sanity.gradientCheck(DATA, 8),
        sanity.learningRates(sanity.sweep(DATA, new double[] {1e-6, 1e-2, 0.1, config.learningRate(), 1e4}, 30)));
  }

  @Test
  void aSoundSoftmaxSvmAndMlpPassEveryCheck() {
    for (TrainingConfig c : List.of(TrainingConfig.builder().learningRate(0.1).batchSize(32).precision(Precision.FLOAT64).build(),
        TrainingConfig.builder().loss("svm").learningRate(0.01).batchSize(32).precision(Precision.FLOAT64).build(),
        TrainingConfig.builder().hidden(List.of(16)).learningRate(0.1).batchSize(32).precision(Precision.FLOAT64)
            .build())) {
      for (SanityChecks.Check check : run(c)) {
        assertTrue(check.passed(), c.loss() + " " + c.model().hidden() + ": " + check);
      }
    }
  }

  @Test
  void theExpectedInitialLossIsTheChanceLoss() {
    Model m = Model.of(TrainingConfig.builder().build().model().spec(20, K));
    assertEquals(Math.log(K), new SanityChecks(m, Losses.parse("softmax"), TrainingConfig.builder().build(), K)
        .expectedInitialLoss(), 1e-15);
    assertEquals(K - 1, new SanityChecks(m, Losses.parse("svm"), TrainingConfig.builder().loss("svm").build(), K)
        .expectedInitialLoss(), 1e-15);
  }

  @Test
  void aHugeLearningRateFailsTheSweepWithTheReasonAndARange() {
    List<SanityChecks.Check> checks = run(TrainingConfig.builder().learningRate(1e6).batchSize(32)
        .precision(Precision.FLOAT64).build());
    SanityChecks.Check lr = checks.get(4);
    assertFalse(lr.passed(), lr.toString());
    assertTrue(lr.detail().contains("explodes: too high") && lr.detail().contains("suggested range"), lr.detail());
  }

  @Test
  void aTinyLearningRateStaysFlatAndCannotOverfit() {
    List<SanityChecks.Check> checks = run(TrainingConfig.builder().learningRate(1e-7).batchSize(32)
        .precision(Precision.FLOAT64).build());
    assertFalse(checks.get(2).passed(), checks.get(2).toString());
    assertFalse(checks.get(4).passed(), checks.get(4).toString());
    assertTrue(checks.get(4).detail().contains("stays flat"), checks.get(4).detail());
  }

  @Test
  void trendsFollowTheRatioOfTheLastLossesToTheFirst() {
    assertEquals(SanityChecks.Trend.DOWN, SanityChecks.trend(List.of(2.0, 1.5, 1.2, 1.0, 1.0, 1.0, 1.0, 1.0)));
    assertEquals(SanityChecks.Trend.FLAT, SanityChecks.trend(List.of(2.0, 2.0, 1.99, 2.01, 2.0, 2.0)));
    assertEquals(SanityChecks.Trend.RISES, SanityChecks.trend(List.of(2.0, 2.4, 2.6, 2.5, 2.6, 2.7)));
    assertEquals(SanityChecks.Trend.EXPLODES, SanityChecks.trend(List.of(2.0, 7.0, 1.0, 1.0, 1.0, 1.0)));
    assertEquals(SanityChecks.Trend.EXPLODES, SanityChecks.trend(List.of(2.0, Double.NaN, 1.0, 1.0, 1.0, 1.0)));
  }
}
