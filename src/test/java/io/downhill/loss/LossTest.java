package io.downhill.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.gradcheck.GradientCheck;
import io.downhill.gradcheck.GradientCheckReport;
import io.downhill.gradcheck.Objective;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LossTest {
  private static final double[] ONES = {1, 1, 1};

  @Test
  void hingeMatchesTheLectureExample() {
    // Scores of three images (cat, car, frog) under three classes, from the lecture: losses 2.9, 0, 12.9.
    double[] scores = {3.2, 5.1, -1.7, 1.3, 4.9, 2.0, 2.2, 2.5, -3.1};
    int[] labels = {0, 1, 2};
    MulticlassHinge hinge = new MulticlassHinge();
    assertEquals(2.9, hinge.lossSum(new double[] {3.2, 5.1, -1.7}, 1, 3, new int[] {0}, ONES, null), 1e-12);
    assertEquals(0.0, hinge.lossSum(new double[] {1.3, 4.9, 2.0}, 1, 3, new int[] {1}, ONES, null), 1e-12);
    assertEquals(12.9, hinge.lossSum(new double[] {2.2, 2.5, -3.1}, 1, 3, new int[] {2}, ONES, null), 1e-12);
    assertEquals(5.27, hinge.lossSum(scores, 3, 3, labels, ONES, null) / 3, 1e-2);
  }

  @Test
  void softmaxMatchesTheLectureExample() {
    // cat scores 3.2, 5.1, -1.7: probabilities 0.13, 0.87, 0.00, loss -ln 0.13 = 2.04
    double loss = new SoftmaxCrossEntropy().lossSum(new double[] {3.2, 5.1, -1.7}, 1, 3, new int[] {0}, ONES, null);
    double expected = -Math.log(Math.exp(3.2) / (Math.exp(3.2) + Math.exp(5.1) + Math.exp(-1.7)));
    assertEquals(expected, loss, 1e-12);
    assertEquals(2.04, loss, 0.01);
  }

  @Test
  void lossAtZeroScoresIsTheSanityValue() {
    double[] zeros = new double[10];
    int[] label = {3};
    assertEquals(Math.log(10), new SoftmaxCrossEntropy().lossSum(zeros, 1, 10, label, ONES, null), 1e-12);
    assertEquals(Math.log(10), new SoftmaxCrossEntropy().lossAtZeroScores(10), 1e-12);
    assertEquals(9, new MulticlassHinge().lossSum(zeros, 1, 10, label, ONES, null), 1e-12);
    assertEquals(9, new MulticlassHinge().lossAtZeroScores(10), 1e-12);
    assertEquals(Math.log(2), new BinaryLogistic().lossSum(new double[1], 1, 1, new int[] {1}, ONES, null), 1e-12);
  }

  @Test
  void logisticAndSoftmaxStayFiniteForHugeScores() {
    assertEquals(800, new BinaryLogistic().lossSum(new double[] {-800}, 1, 1, new int[] {1}, ONES, null), 1e-9);
    assertEquals(0, new BinaryLogistic().lossSum(new double[] {800}, 1, 1, new int[] {1}, ONES, null), 1e-12);
    assertEquals(2000, new SoftmaxCrossEntropy().lossSum(new double[] {1000, -1000}, 1, 2, new int[] {1}, ONES, null),
        1e-9);
  }

  @Test
  void predictionsAreTheArgmaxOrTheSign() {
    assertEquals(1, new SoftmaxCrossEntropy().predict(new double[] {0, 0, 0, 1, 5, 2}, 1, 3));
    assertEquals(1, new BinaryLogistic().predict(new double[] {-1, 0.3}, 1, 1));
    assertEquals(0, new BinaryLogistic().predict(new double[] {-1, 0.3}, 0, 1));
  }

  @Test
  void logisticRefusesMulticlassData() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BinaryLogistic().outputs(10));
    assertTrue(e.getMessage().contains("exactly 2 classes"));
  }

  /** The weighted loss sum as a function of the scores. */
  private static Objective overScores(Loss loss, int n, int c, int[] labels, double[] weights) {
    return new Objective() {
      @Override
      public int dimension() {
        return n * c;
      }

      @Override
      public double value(double[] s) {
        return loss.lossSum(s, n, c, labels, weights, null);
      }

      @Override
      public double valueAndGradient(double[] s, double[] grad) {
        return loss.lossSum(s, n, c, labels, weights, grad);
      }

      @Override
      public long piece(double[] s) {
        return loss.piece(s, n, c, labels);
      }
    };
  }

  @Test
  void everyLossGradientPassesTheGradientCheckWithSampleWeights() {
    SplittableRandom rng = new SplittableRandom(11);
    for (Loss loss : new Loss[] {new SoftmaxCrossEntropy(), new MulticlassHinge(), new BinaryLogistic()}) {
      int n = 7;
      int c = loss.outputs(loss instanceof BinaryLogistic ? 2 : 5);
      int[] labels = new int[n];
      double[] weights = new double[n];
      double[] scores = new double[n * c];
      for (int i = 0; i < n; i++) {
        labels[i] = rng.nextInt(loss instanceof BinaryLogistic ? 2 : c);
        weights[i] = 0.25 + rng.nextDouble() * 2;
      }
      for (int i = 0; i < scores.length; i++) {
        scores[i] = rng.nextDouble() * 4 - 2;
      }
      GradientCheckReport report = GradientCheck.defaults().run(overScores(loss, n, c, labels, weights), scores);
      assertTrue(report.passed(), loss.name() + ": " + report.format(loss.name(), 5));
      assertEquals(n * c, report.checked() + report.skippedAtKinks());
    }
  }

  @Test
  void squaredErrorIsHalfTheWeightedSquaredResidual() {
    // hand-computed: rows (s, y, w) = (2, 0.5, 1), (-1, 1, 2), (0.25, 0.25, 3)
    // L = ½·1·1.5² + ½·2·(-2)² + 0 = 1.125 + 4 = 5.125; ∂L/∂s = w (s - y) = 1.5, -4, 0
    SquaredError sq = new SquaredError();
    double[] d = new double[3];
    assertEquals(5.125, sq.lossSum(new double[] {2, -1, 0.25}, 3, 1, new double[] {0.5, 1, 0.25},
        new double[] {1, 2, 3}, d), 1e-15);
    assertArrayEquals(new double[] {1.5, -4, 0}, d, 1e-15);
    assertEquals(1, sq.outputs(0));
    assertTrue(sq.regression() && !new SoftmaxCrossEntropy().regression());
    assertTrue(Losses.parse("squared-error") instanceof SquaredError);
    assertEquals("squared", Losses.canonical("least-squares"));
    assertThrows(UnsupportedOperationException.class, () -> sq.lossSum(new double[1], 1, 1, new int[1], ONES, null));
    assertThrows(UnsupportedOperationException.class,
        () -> new SoftmaxCrossEntropy().lossSum(new double[2], 1, 2, new double[1], ONES, null));
  }

  @Test
  void squaredErrorGradientPassesTheGradientCheckWithSampleWeights() {
    SplittableRandom rng = new SplittableRandom(5);
    int n = 9;
    double[] targets = new double[n];
    double[] weights = new double[n];
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      targets[i] = rng.nextDouble() * 20 - 10;
      weights[i] = 0.25 + rng.nextDouble() * 2;
      scores[i] = rng.nextDouble() * 20 - 10;
    }
    SquaredError sq = new SquaredError();
    GradientCheckReport report = GradientCheck.defaults().run(new Objective() {
      @Override
      public int dimension() {
        return n;
      }

      @Override
      public double value(double[] s) {
        return sq.lossSum(s, n, 1, targets, weights, null);
      }

      @Override
      public double valueAndGradient(double[] s, double[] grad) {
        return sq.lossSum(s, n, 1, targets, weights, grad);
      }
    }, scores);
    assertTrue(report.passed(), report.format("squared", 5));
    assertEquals(n, report.checked());
  }
}
