package io.downhill.monitor;

import static io.downhill.monitor.RunFixtures.falling;
import static io.downhill.monitor.RunFixtures.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnosisTest {
  @TempDir
  Path tmp;

  private static final Map<String, Double> GOOD_RATIOS = Map.of("W", 1e-3);
  private static final double[][] CLOSE_FLAT = {{0.80, 0.78}, {0.81, 0.79}};

  private static ObjectNode summary() {
    return RunFiles.object().put("lr", 0.1).put("reg", 1e-4);
  }

  /** Two epochs of 20 steps, the loss falling from 2.3 to 0.5. */
  private static double[][] goodLoss() {
    double[] all = falling(40, 2.3, 0.5);
    return new double[][] {Arrays.copyOfRange(all, 0, 20), Arrays.copyOfRange(all, 20, 40)};
  }

  private static List<Diagnosis.Finding> warnings(RunFiles run) {
    return Diagnosis.of(run).stream().filter(Diagnosis.Finding::isWarning).toList();
  }

  private static void assertOnly(List<Diagnosis.Finding> findings, String... starts) {
    assertEquals(starts.length, findings.size(), findings.toString());
    for (int i = 0; i < starts.length; i++) {
      assertTrue(findings.get(i).message().startsWith(starts[i]), findings.get(i) + " should start with " + starts[i]);
    }
  }

  @Test
  void aGoodRunIsHealthyWithItsNumbers() {
    List<Diagnosis.Finding> f = Diagnosis.of(series(goodLoss(), GOOD_RATIOS, summary(), CLOSE_FLAT));
    assertEquals(1, f.size(), f.toString());
    assertEquals("ok", f.get(0).severity());
    assertTrue(f.get(0).message().startsWith("healthy"), f.toString());
    assertTrue(f.get(0).message().contains("W 0.001"), f.toString());
  }

  @Test
  void anAnnealedRateIsJudgedWhereItIsHighNotAtItsEnd() {
    // four epochs, the rate (and with it the ratio) falling linearly to zero as a cosine-like schedule does
    List<RunFiles.Step> steps = new java.util.ArrayList<>();
    double[] loss = falling(80, 2.3, 0.4);
    for (int i = 0; i < 80; i++) {
      double lr = 0.1 * (1 - i / 80.0);
      steps.add(new RunFiles.Step(i + 1, i / 20 + 1, loss[i], loss[i], lr, 1, 0.01,
          Map.of("W", new RunFiles.WeightStats(2e-3 * lr / 0.1, -0.1, 0.1, 0, 0.03, -1e-4, 1e-4, 0, 6e-5))));
    }
    List<RunFiles.Epoch> epochs = new java.util.ArrayList<>();
    for (int e = 1; e <= 4; e++) {
      epochs.add(new RunFiles.Epoch(e, 0.1, 1, 0.5, 0.80, 0.6, 0.79, Double.NaN, Double.NaN));
    }
    RunFiles run = RunFiles.of(null, steps, epochs, summary().put("train_accuracy", 0.80).put("val_accuracy", 0.79));
    assertEquals(List.of(), warnings(run)); // the last epoch's median ratio is 2.5e-4 of the peak's 2e-3; the window's ~1e-3
    assertEquals(2, Diagnosis.ratioWindow(steps).get(0).epoch());
  }

  @Test
  void risingLossMeansTheLearningRateIsTooHigh() {
    double[][] loss = {falling(20, 1.0, 0.8), falling(20, 1.5, 3.0)};
    List<Diagnosis.Finding> f = warnings(series(loss, GOOD_RATIOS, summary(), CLOSE_FLAT));
    assertOnly(f, "learning rate too high: the loss rose");
    assertTrue(f.get(0).message().contains("at lr 0.1"), f.toString());
  }

  @Test
  void aNonFiniteLossOrAnExplodedStopIsDivergence() {
    double[][] loss = {{2.3, 1.5, Double.NaN, Double.POSITIVE_INFINITY}};
    assertOnly(warnings(series(loss, Map.of(), summary(), new double[0][])), "learning rate too high: the run diverged");
    assertTrue(warnings(series(loss, Map.of(), summary(), new double[0][])).get(0).message().contains("step 3"));
    ObjectNode exploded = summary().put("stop_reason", "loss exploded (3x initial)");
    assertOnly(warnings(series(goodLoss(), Map.of(), exploded, new double[0][])), "learning rate too high: the run diverged");
  }

  @Test
  void anOscillatingLossIsTooHighARate() {
    double[][] loss = {falling(10, 2.3, 1.0), {1.0, 1.0}, {1.3, 1.3}, {0.9, 0.9}, {1.2, 1.2}, {0.95, 0.95}, {1.25, 1.25}};
    List<Diagnosis.Finding> f = warnings(series(loss, GOOD_RATIOS, summary(), CLOSE_FLAT));
    assertOnly(f, "learning rate too high: the loss oscillates");
  }

  @Test
  void aFlatLossMeansTheLearningRateIsTooLow() {
    double[][] loss = {falling(20, 2.30, 2.25), falling(20, 2.25, 2.2)};
    List<Diagnosis.Finding> f = warnings(series(loss, GOOD_RATIOS, summary(), CLOSE_FLAT));
    assertOnly(f, "learning rate too low: the loss fell only");
  }

  @Test
  void updateRatiosOutOfRangeAreNamedPerLayer() {
    Map<String, Double> ratios = new LinkedHashMap<>();
    ratios.put("W1", 5e-2);
    ratios.put("W2", 1e-3);
    ratios.put("W3", 2e-5);
    List<Diagnosis.Finding> f = warnings(series(goodLoss(), ratios, summary(), CLOSE_FLAT));
    assertOnly(f, "update ratio of W1 is 0.05", "update ratio of W3 is 2e-5");
  }

  @Test
  void everyLayerTooFastIsOneLearningRateFindingNotOnePerLayer() {
    Map<String, Double> ratios = new LinkedHashMap<>();
    ratios.put("W1", 3e-1);
    ratios.put("W2", 2e-1);
    List<Diagnosis.Finding> f = warnings(series(goodLoss(), ratios, summary(), CLOSE_FLAT));
    assertOnly(f, "learning rate too high: every layer's update ratio");
    // a little above the band with a loss that fell well: a note on the layer, not a verdict on the rate
    assertOnly(warnings(series(goodLoss(), Map.of("W", 1.2e-2), summary(), CLOSE_FLAT)), "update ratio of W is 0.012");
    assertTrue(f.get(0).message().contains("W1 0.3, W2 0.2"), f.toString());
    Map<String, Double> slow = Map.of("W", 3e-5);
    assertOnly(warnings(series(goodLoss(), slow, summary(), CLOSE_FLAT)), "learning rate too low: every layer's");
  }

  @Test
  void aWideTrainValidationGapIsOverfitting() {
    double[][] acc = {{0.90, 0.85}, {0.97, 0.88}};
    List<Diagnosis.Finding> f = warnings(series(goodLoss(), GOOD_RATIOS, summary(), acc));
    assertOnly(f, "overfitting: train accuracy 0.97 vs validation 0.88 (gap 0.09 > 0.05)");
  }

  @Test
  void closeAccuraciesStillRisingAreUnderfitting() {
    double[][] acc = {{0.70, 0.695}, {0.74, 0.735}};
    List<Diagnosis.Finding> f = warnings(series(goodLoss(), GOOD_RATIOS, summary(), acc));
    assertOnly(f, "underfitting: train accuracy 0.74");
    assertTrue(f.get(0).message().contains("still rose 0.04"), f.toString());
  }

  @Test
  void manyDeadUnitsAreReported() {
    ObjectNode s = summary();
    s.putObject("dead_units").put("h1", 0.02).put("h2", 0.35);
    List<Diagnosis.Finding> f = warnings(series(goodLoss(), GOOD_RATIOS, s, CLOSE_FLAT));
    assertOnly(f, "dead ReLUs: 35% of the units of hidden layer h2");
  }

  @Test
  void randomSearchIsNotJudgedOnItsLearningRate() {
    double[][] flat = {{2.304, 2.302, 2.301, 2.305, 2.303, 2.306}};
    List<Diagnosis.Finding> f = Diagnosis.of(series(flat, Map.of(), summary().put("optimizer", "random-search"),
        new double[0][]));
    assertEquals(1, f.size(), f.toString());
    assertEquals("ok", f.get(0).severity());
    assertTrue(f.get(0).message().startsWith("random search: "), f.toString());
  }

  @Test
  void aLossThatOnlyWobblesAtItsStartIsNotARise() {
    double[][] flat = {{2.304, 2.302, 2.301, 2.305, 2.303, 2.306, 2.306, 2.307}};
    assertOnly(warnings(series(flat, Map.of(), summary(), new double[0][])), "learning rate too low");
  }

  /** {@code n} losses of a healthy curve: a fast fall from 2.3 that flattens towards 0.4. */
  private static double[] flattening(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 0.4 + 1.9 * Math.exp(-i / (n / 8.0));
    }
    return v;
  }

  /** {@code curve} plus Gaussian noise of std {@code sigma} (seeded), cut into epochs of {@code perEpoch}. */
  private static double[][] withNoise(double[] curve, double sigma, int perEpoch) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    double[][] out = new double[curve.length / perEpoch][perEpoch];
    for (int i = 0; i < curve.length; i++) {
      out[i / perEpoch][i % perEpoch] = curve[i] + sigma * rng.nextGaussian();
    }
    return out;
  }

  /** {@code run} with each step's data loss {@code (1 - penaltyShare)} of its loss: the rest is the penalty. */
  private static RunFiles withPenalty(RunFiles run, double penaltyShare) {
    return RunFiles.of(null, run.steps().stream().map(s -> new RunFiles.Step(s.step(), s.epoch(), s.loss(),
        s.loss() * (1 - penaltyShare), s.lr(), s.gradNorm(), s.seconds(), s.layers())).toList(), run.epochs(),
        run.summary());
  }

  @Test
  void aNoisyCurveAsksForALargerBatchAndAQuietOneDoesNot() {
    // 200 steps falling 2.3 -> 0.4: a fall of ~1.9 against a scatter of 0.4 (21%), then 0.1 (5%)
    List<Diagnosis.Finding> noisy = warnings(series(withNoise(flattening(200), 0.4, 100), GOOD_RATIOS, summary(),
        CLOSE_FLAT));
    assertOnly(noisy, "noisy loss: the step losses scatter by 0.");
    assertTrue(noisy.get(0).message().contains("a larger --batch-size"), noisy.toString());
    LossCurve curve = LossCurve.of(series(withNoise(flattening(200), 0.4, 100), Map.of(), summary(), CLOSE_FLAT).steps());
    assertEquals(0.4, curve.noise(), 0.06, "the residuals' std is the noise added");
    assertEquals(List.of(), warnings(series(withNoise(flattening(200), 0.1, 100), GOOD_RATIOS, summary(), CLOSE_FLAT)));
  }

  @Test
  void aLossFallingInAStraightLineSaysTheRateIsProbablyLow() {
    double[] line = new double[40];
    for (int i = 0; i < line.length; i++) {
      line[i] = 2.3 - 0.02 * i; // 2.3 -> 1.52: fell 34%, so not "flat"
    }
    double[][] loss = {Arrays.copyOfRange(line, 0, 20), Arrays.copyOfRange(line, 20, 40)};
    List<Diagnosis.Finding> f = warnings(series(loss, GOOD_RATIOS, summary(), CLOSE_FLAT));
    assertOnly(f, "learning rate probably too low: the loss falls in a nearly straight line, its second half made 51.4% of"
        + " the fall (2.26 -> 1.92 -> 1.56"); // windows of 5 steps centred on steps 2, 19 and 37: 18/35 of a line
    // the same fall along a curve that flattens is healthy, and so is the geometric fall of goodLoss
    double[] curved = flattening(40);
    assertEquals(List.of(), warnings(series(new double[][] {Arrays.copyOfRange(curved, 0, 20),
        Arrays.copyOfRange(curved, 20, 40)}, GOOD_RATIOS, summary(), CLOSE_FLAT)));
    assertTrue(LossCurve.of(series(goodLoss(), Map.of(), summary(), CLOSE_FLAT).steps()).lateShare() < 0.4);
    // a straight line that rises is the rate too high, not too low
    double[][] rising = {Arrays.copyOfRange(line, 20, 40), Arrays.copyOfRange(line, 0, 20)};
    assertEquals(List.of(), warnings(series(rising, GOOD_RATIOS, summary(), CLOSE_FLAT)).stream()
        .filter(w -> w.message().contains("straight line")).toList());
  }

  @Test
  void aFlatLossWithAHeavyPenaltyOrAHighRegSaysTheRegularizationMayBeTooHigh() {
    double[][] flat = {falling(20, 2.30, 2.25), falling(20, 2.25, 2.2)};
    assertOnly(warnings(withPenalty(series(flat, GOOD_RATIOS, summary(), CLOSE_FLAT), 0.4)),
        "learning rate too low: the loss fell only", "regularization may be too high: the loss barely fell (2.3 -> 2.22)"
        + " and the penalty is 40% of the objective at the end (25% or more) at reg 1e-4");
    assertOnly(warnings(series(flat, GOOD_RATIOS, summary().put("reg", 0.5), CLOSE_FLAT)),
        "learning rate too low: the loss fell only", "regularization may be too high: the loss barely fell");
    assertTrue(warnings(series(flat, GOOD_RATIOS, summary().put("reg", 0.5), CLOSE_FLAT)).get(1).message()
        .contains("reg is 0.5 (0.1 or more)"));
    // flat with light regularization: the learning rate alone (aFlatLossMeansTheLearningRateIsTooLow)
    assertOnly(warnings(withPenalty(series(flat, GOOD_RATIOS, summary(), CLOSE_FLAT), 0.1)), "learning rate too low");
  }

  @Test
  void aLossThatStallsHalfwayWithStrongRegularizationIsNamedButAFallingOneIsNot() {
    double[] curve = flattening(200);
    double[][] stalls = {Arrays.copyOfRange(curve, 0, 100), Arrays.copyOfRange(curve, 100, 200)};
    List<Diagnosis.Finding> f = warnings(series(stalls, GOOD_RATIOS, summary().put("reg", 1.0), CLOSE_FLAT));
    assertOnly(f, "regularization may be too high: the loss stopped falling");
    assertEquals(List.of(), warnings(series(stalls, GOOD_RATIOS, summary(), CLOSE_FLAT)), "reg 1e-4: healthy");
    // a heavy penalty on a loss that still falls steadily: the shape speaks, not the regularization
    double[] line = new double[40];
    for (int i = 0; i < line.length; i++) {
      line[i] = 2.3 - 0.02 * i;
    }
    RunFiles falling = withPenalty(series(new double[][] {Arrays.copyOfRange(line, 0, 20), Arrays.copyOfRange(line, 20, 40)},
        GOOD_RATIOS, summary().put("reg", 1.0), CLOSE_FLAT), 0.5);
    assertOnly(warnings(falling), "learning rate probably too low: the loss falls in a nearly straight line");
  }

  @Test
  void tooShortACurveIsNotRead() {
    LossCurve c = LossCurve.of(series(new double[][] {falling(19, 2.3, 2.29)}, Map.of(), summary(), new double[0][])
        .steps());
    assertTrue(Double.isNaN(c.lateShare()) && Double.isNaN(c.noiseShare()) && Double.isNaN(c.penaltyShare()), c.toString());
  }

  @Test
  void filesOfAFakeRunAreDiagnosedHealthy() throws IOException {
    RunFiles run = RunFiles.read(RunFixtures.mlpRun(tmp.resolve("run"), 3, 40));
    assertEquals(120, run.steps().size(), "the cut-off line is skipped");
    assertEquals(List.of("W1", "W2"), run.layerNames());
    assertTrue(Double.isNaN(run.steps().get(4).layers().get("W1").mean()), "\"NaN\" reads back as NaN");
    assertEquals(Double.POSITIVE_INFINITY, run.steps().get(4).layers().get("W2").updateRatio());
    List<Diagnosis.Finding> f = Diagnosis.of(run);
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).message().startsWith("healthy"), f.toString());
  }
}
