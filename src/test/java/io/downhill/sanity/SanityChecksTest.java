package io.downhill.sanity;


import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.shard.Split;
import io.downhill.testing.Blobs;
import io.downhill.train.Fit;
import io.downhill.train.LocalGradientSource;
import io.downhill.train.TrainingConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sanity checks pass on a sound setup and fail, with the reason, on a broken one. */
class SanityChecksTest {
  private static final int K = 4;
  private static final Shard DATA = Blobs.shard(2000, 20, K, 11, 1, true);


  private static List<SanityChecks.Check> run(TrainingConfig config) {
    Fit fit = Fit.of(config, DATA.cols(), K, "--model", null);
    SanityChecks sanity = new SanityChecks(fit);
    LocalGradientSource source = new LocalGradientSource(fit.computer(), List.of(DATA),
        Map.of(Split.TRAIN, List.of(DATA)));
    double[] theta = fit.initialTheta();
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
    assertEquals(Math.log(K), new SanityChecks(Fit.of(TrainingConfig.builder().build(), 20, K, "--model", null))
        .expectedInitialLoss(), 1e-15);
    assertEquals(K - 1, new SanityChecks(Fit.of(TrainingConfig.builder().loss("svm").build(), 20, K, "--model", null))
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
