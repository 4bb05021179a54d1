package io.downhill.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RMSE, MAE and R² against the textbook formulas, and merged across partitions as if computed in one pass. */
class RegressionEvaluationTest {

  @Test
  void metricsMatchAHandComputedExample() {
    // targets 1, 2, 3, 6; predictions 1.5, 2, 2, 6: residuals 0.5, 0, -1, 0
    // Σe² = 1.25, Σ|e| = 1.5, ȳ = 3, Σ(y-ȳ)² = 4 + 1 + 0 + 9 = 14
    Evaluation e = Evaluation.regression();
    double[] y = {1, 2, 3, 6};
    double[] p = {1.5, 2, 2, 6};
    for (int i = 0; i < y.length; i++) {
      e.addTarget(y[i], p[i]);
    }
    assertEquals(Math.sqrt(1.25 / 4), e.rmse(), 1e-15);
    assertEquals(1.5 / 4, e.mae(), 1e-15);
    assertEquals(1 - 1.25 / 14, e.r2(), 1e-15);
    assertTrue(Double.isNaN(e.accuracy()));
    assertTrue(Double.isNaN(new Evaluation(3).rmse()));
    Evaluation constant = Evaluation.regression();
    constant.addTarget(2, 2);
    assertTrue(Double.isNaN(constant.r2()), "no spread in the targets: R² is undefined");
  }

  @Test
  void mergingPartitionsEqualsOnePassEvenFarFromZero() {
    SplittableRandom rng = new SplittableRandom(4);
    Evaluation whole = Evaluation.regression();
    Evaluation[] parts = {Evaluation.regression(), Evaluation.regression(), Evaluation.regression()};
    double sumY = 0;
    int n = 3000;
    double[] y = new double[n];
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 1e6 + rng.nextGaussian() * 2;     // a large offset: Σy² - (Σy)²/n would lose most digits
      p[i] = y[i] + rng.nextGaussian() * 0.5;
      sumY += y[i];
      whole.addTarget(y[i], p[i]);
      parts[i % 3].addTarget(y[i], p[i]);
    }
    Evaluation merged = Evaluation.regression().merge(parts[0]).merge(parts[1]).merge(parts[2]);
    double mean = sumY / n;
    double spread = 0;
    double sse = 0;
    for (int i = 0; i < n; i++) {
      spread += (y[i] - mean) * (y[i] - mean);
      sse += (p[i] - y[i]) * (p[i] - y[i]);
    }
    for (Evaluation e : new Evaluation[] {whole, merged}) {
      assertEquals(n, e.rows());
      assertEquals(1 - sse / spread, e.r2(), 1e-9);
      assertEquals(Math.sqrt(sse / n), e.rmse(), 1e-9);
    }
    assertEquals(whole.mae(), merged.mae(), 1e-12);
    Evaluation restored = Evaluation.restoreRegression(merged.rows(), merged.squaredErrors(), merged.absoluteErrors(),
        merged.targetMean(), merged.targetSpread(), merged.lossSum(), merged.weightSum());
    assertEquals(merged.r2(), restored.r2(), 0.0);
    assertEquals(merged.rmse(), restored.rmse(), 0.0);
  }
}
