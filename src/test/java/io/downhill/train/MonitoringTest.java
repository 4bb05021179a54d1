package io.downhill.train;


import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import io.downhill.model.ModelSpec;
import io.downhill.model.ParameterLayout;
import io.downhill.monitor.DeadUnits;
import io.downhill.shard.ShardComputer;
import io.downhill.testing.Blobs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-layer monitors, the abort rule of a search, and dead ReLUs. */
class MonitoringTest {

  @Test
  void layerStatsAreTheUpdateToWeightRatioAndTheWeightsSpreadPerWeightMatrix() {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("W", 2, 2, ParameterLayout.Role.WEIGHT);
    b.add("b", 1, 2, ParameterLayout.Role.BIAS);
    ParameterLayout layout = b.build();
    double[] before = {1, 2, 3, 4, 0, 0};
    double[] after = {1, 2, 3, 5, 9, 9};
    List<LayerStats> stats = LayerStats.measure(layout, before, after);
    assertEquals(1, stats.size()); // biases left out
    LayerStats w = stats.get(0);
    assertEquals("W", w.name());
    assertEquals(1 / Math.sqrt(1 + 4 + 9 + 25), w.updateRatio(), 1e-15);
    assertEquals(1, w.min());
    assertEquals(5, w.max());
    assertEquals(11 / 4.0, w.mean(), 1e-15);
    double var = ((1 - 2.75) * (1 - 2.75) + (2 - 2.75) * (2 - 2.75) + (3 - 2.75) * (3 - 2.75) + (5 - 2.75) * (5 - 2.75)) / 4;
    assertEquals(Math.sqrt(var), w.std(), 1e-12);
    // the update ΔW = (0, 0, 0, 1): min 0, max 1, mean 1/4, std √(1/4 - 1/16)
    assertEquals(0, w.updateMin());
    assertEquals(1, w.updateMax());
    assertEquals(0.25, w.updateMean(), 1e-15);
    assertEquals(Math.sqrt(3) / 4, w.updateStd(), 1e-15);
  }

  /** W1 (rows x cols), b1, W2 (cols x out): two weight slices with a bias between them. */
  private static ParameterLayout twoLayers(int rows, int cols, int out) {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("W1", rows, cols, ParameterLayout.Role.WEIGHT);
    b.add("b1", 1, cols, ParameterLayout.Role.BIAS);
    b.add("W2", cols, out, ParameterLayout.Role.WEIGHT);
    return b.build();
  }

  /** Gaussian weights before a step ([0]) and after a small Gaussian update ([1]). */
  private static double[][] step(ParameterLayout layout, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] before = new double[layout.size()];
    double[] after = new double[layout.size()];
    for (int i = 0; i < before.length; i++) {
      before[i] = rng.nextGaussian();
      after[i] = before[i] + 1e-3 * rng.nextGaussian();
    }
    return new double[][] {before, after};
  }

  @Test
  void updateStatisticsAreThoseOfTheDifferenceOfEachWeightMatrix() {
    ParameterLayout layout = twoLayers(3, 2, 1);
    double[][] step = step(layout, 3);
    double[] before = step[0];
    double[] after = step[1];
    List<LayerStats> stats = LayerStats.measure(layout, before, after);
    assertEquals(List.of("W1", "W2"), stats.stream().map(LayerStats::name).toList());
    int[][] slices = {{0, 6}, {8, 10}};
    for (int l = 0; l < 2; l++) { // a two-pass reference: the differences, their mean, then their spread
      double[] d = new double[slices[l][1] - slices[l][0]];
      for (int i = 0; i < d.length; i++) {
        d[i] = after[slices[l][0] + i] - before[slices[l][0] + i];
      }
      double mean = java.util.Arrays.stream(d).average().orElseThrow();
      double var = java.util.Arrays.stream(d).map(x -> (x - mean) * (x - mean)).sum() / d.length;
      LayerStats s = stats.get(l);
      assertEquals(java.util.Arrays.stream(d).min().orElseThrow(), s.updateMin(), 0.0);
      assertEquals(java.util.Arrays.stream(d).max().orElseThrow(), s.updateMax(), 0.0);
      assertEquals(mean, s.updateMean(), 1e-15);
      assertEquals(Math.sqrt(var), s.updateStd(), 1e-9 * Math.sqrt(var));
    }
  }

  @Test
  void theWeightAndUpdateHalvesMeasuredApartGiveTheBitsOfOnePassOverBoth() {
    // what two tasks of a collective segment do: one measures the weights, the other the update
    ParameterLayout layout = twoLayers(97, 31, 7);
    double[][] step = step(layout, 11);
    double[] before = step[0];
    double[] after = step[1];
    after[5] = -0.0; // a signed zero and a NaN go through as one pass would take them
    after[before.length - 1] = Double.NaN;
    double[] weights = LayerStats.weightSums(layout, after);
    double[] updates = LayerStats.updateSums(layout, before, after);
    assertEquals(2 * LayerStats.SUMS, weights.length);
    List<LayerStats> apart = LayerStats.of(layout, weights, updates);
    assertEquals(onePass(layout, before, after), apart); // records compare doubles bit for bit
    assertEquals(apart, LayerStats.measure(layout, before, after));
    assertTrue(Double.isNaN(apart.get(1).mean()) && !Double.isNaN(apart.get(1).max()), apart.get(1).toString());
  }

  /** The statistics as one loop over both arrays computed them before the halves were split. */
  private static List<LayerStats> onePass(ParameterLayout layout, double[] before, double[] after) {
    List<LayerStats> out = new ArrayList<>();
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.role() != ParameterLayout.Role.WEIGHT) {
        continue;
      }
      double du = 0;
      double dSum = 0;
      double dMin = Double.POSITIVE_INFINITY;
      double dMax = Double.NEGATIVE_INFINITY;
      double ww = 0;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = s.offset(); i < s.end(); i++) {
        double w = after[i];
        double d = w - before[i];
        du += d * d;
        dSum += d;
        dMin = d < dMin ? d : dMin;
        dMax = d > dMax ? d : dMax;
        ww += w * w;
        sum += w;
        min = w < min ? w : min;
        max = w > max ? w : max;
      }
      int n = s.size();
      double mean = sum / n;
      double dMean = dSum / n;
      out.add(new LayerStats(s.name(), ww > 0 ? Math.sqrt(du / ww) : Double.NaN, min, max, mean,
          Math.sqrt(Math.max(0, ww / n - mean * mean)), dMin, dMax, dMean, Math.sqrt(Math.max(0, du / n - dMean * dMean))));
    }
    return out;
  }

  /** Gaussian features and labels drawn apart from them: nothing to learn, so a large step only hurts. */
  private static Shard noise(int n, int d, int k, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rng.nextInt(k);
      for (int j = 0; j < d; j++) {
        x[i * d + j] = rng.nextGaussian();
      }
    }
    return new Shard(List.of(new Block(n, d, Buf.wrap(x), y, null)), n, d);
  }

  private static List<StepRecord> train(TrainingConfig config, Shard data, int k) {
    Model model = Model.of(config.model().spec(data.cols(), k));
    ShardComputer computer = new ShardComputer(model, Losses.parse(config.loss()), k, Precision.FLOAT64, config.seed());
    List<StepRecord> steps = new ArrayList<>();
    TrainingListener l = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        steps.add(s);
      }
    };
    double[] theta = new double[model.layout().size()];
    config.model().initializer().initialize(model.layout(), theta, config.seed());
    new Trainer(config, model, new LocalGradientSource(computer, List.of(data), Map.of()), List.of(l)).fit(theta);
    return steps;
  }

  @Test
  void everyStepRecordsEachLayersUpdateRatioAndAModerateRateGivesAboutOneThousandth() {
    Shard data = Blobs.shard(600, 10, 3, 1, 2, false);
    List<StepRecord> steps = train(TrainingConfig.builder().hidden(List.of(8)).learningRate(0.01).batchSize(60)
        .epochs(2).build(), data, 3);
    assertEquals(20, steps.size());
    for (StepRecord s : steps) {
      assertEquals(List.of("W1", "W2"), s.layers().stream().map(LayerStats::name).toList());
      for (LayerStats l : s.layers()) {
        assertTrue(l.updateRatio() > 1e-5 && l.updateRatio() < 1e-1, l.toString());
      }
    }
  }

  @Test
  void theAbortRuleStopsARunWhoseLossExplodesPastThreeTimesItsStart() {
    Shard data = noise(600, 10, 3, 2);
    TrainingConfig wild = TrainingConfig.builder().learningRate(50).batchSize(60).epochs(3).abortFactor(3).build();
    DivergedException e = assertThrows(DivergedException.class, () -> train(wild, data, 3));
    assertTrue(e.getMessage().startsWith("loss exploded at step"), e.getMessage());
    // the same rate without the rule runs to the end (the loss stays finite, only large)
    TrainingConfig noRule = TrainingConfig.builder().learningRate(50).batchSize(60).epochs(1).abortFactor(0).build();
    List<StepRecord> steps = train(noRule, data, 3);
    assertEquals(10, steps.size());
    assertTrue(steps.stream().mapToDouble(StepRecord::loss).max().getAsDouble() > 3 * steps.get(0).loss());
    assertThrows(io.downhill.BadInputException.class,
        () -> TrainingConfig.builder().abortFactor(0.5).build());
  }

  @Test
  void deadUnitsAreHiddenReluUnitsSilentOnEveryRow() {
    Shard data = Blobs.shard(50, 4, 2, 3, 2, false);
    Model model = Model.of(ModelSpec.mlp(4, List.of(5), 2, "relu", 0));
    double[] theta = new double[model.layout().size()];
    ParameterLayout.Slice w1 = model.layout().slice("W1");
    ParameterLayout.Slice b1 = model.layout().slice("b1");
    for (int i = w1.offset(); i < w1.end(); i++) {
      theta[i] = 0.1;
    }
    theta[b1.offset() + 1] = -1e6; // unit 1 never fires
    theta[b1.offset() + 3] = -1e6; // nor unit 3
    assertEquals(Map.of("h1", 2 / 5.0), DeadUnits.fractions(model, theta, data));
  }
}
