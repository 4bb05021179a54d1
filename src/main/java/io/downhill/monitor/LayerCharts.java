package io.downhill.monitor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The per-layer sections of {@link Report}, from the {@code layers} of the step lines (the
 * lecture's "min, max, std for values and updates, and monitor their ratio"):
 * <ul>
 *   <li>the update/weight ratio ‖ΔW‖/‖W‖ of every layer per step on a log axis, against the rule of
 *       thumb 1e-3 (band 1e-4 to 1e-2);</li>
 *   <li>per layer, the update ΔW of each step: mean ± std as a band, min and max as dashed lines,
 *       and a table of their medians over the window where the diagnosis judges the ratios
 *       ({@link Diagnosis#ratioWindow}) beside the weights' std: a layer whose updates collapse or
 *       spike shows here before the loss says so;</li>
 *   <li>per layer, the weights after each step: min, max and mean ± std (drift, blow-up or collapse).</li>
 * </ul>
 */
final class LayerCharts {
  private LayerCharts() {}

  static final int RATIO_WINDOW = 20;
  /** The palette without green, which marks the rule-of-thumb band. */
  private static final String[] LAYER_COLOURS = {"#1f77b4", "#ff7f0e", "#9467bd", "#d62728", "#8c564b", "#e377c2",
      "#7f7f7f", "#17becf"};
  static final String NO_LAYERS = "No per-layer statistics in metrics.jsonl";

  static String updateRatios(RunFiles run) {
    List<String> layers = run.layerNames();
    if (layers.isEmpty()) {
      return Html.note(NO_LAYERS + " (written by newer versions of Downhill).");
    }
    List<RunFiles.Step> steps = run.steps();
    double[] x = steps.stream().mapToDouble(RunFiles.Step::step).toArray();
    Plot p = new Plot("update-ratio", "‖ΔW‖ / ‖W‖ per step", "step", "update / weight ratio").logY(true)
        .hband("1e-4 to 1e-2", Diagnosis.RATIO_LOW, Diagnosis.RATIO_HIGH, "#2ca02c")
        .hline("1e-3 rule of thumb", Diagnosis.RATIO_TARGET, "#2ca02c");
    for (int i = 0; i < layers.size(); i++) {
      double[] r = column(steps, layers.get(i), RunFiles.WeightStats::updateRatio);
      String colour = LAYER_COLOURS[i % LAYER_COLOURS.length];
      p.line(null, x, r, colour + "55", 0.8, false).line(layers.get(i), x, Svg.movingAverage(r, RATIO_WINDOW), colour, 1.8,
          false);
    }
    Map<String, Double> medians = Diagnosis.medianUpdateRatios(run);
    List<String> m = new ArrayList<>();
    medians.forEach((k, v) -> m.add(k + " " + Html.number(v, 3)));
    return "<div class=\"plots\">" + p.render() + "</div>\n" + Html.note("Thin: every step; thick: " + RATIO_WINDOW
        + "-step moving average. The rule of thumb puts a healthy ratio near 1e-3; median at the end: "
        + (m.isEmpty() ? "none" : String.join(", ", m)) + ".");
  }

  /** Each layer's update ΔW per step (min, max, mean ± std), and a table of medians. */
  static String updates(RunFiles run) {
    List<String> layers = run.layerNames().stream().filter(l -> Arrays.stream(column(run.steps(), l,
        RunFiles.WeightStats::updateStd)).anyMatch(Double::isFinite)).toList();
    if (layers.isEmpty()) {
      return Html.note(NO_LAYERS + " about the updates (written by newer versions of Downhill).");
    }
    List<RunFiles.Step> steps = run.steps();
    double[] x = steps.stream().mapToDouble(RunFiles.Step::step).toArray();
    StringBuilder s = new StringBuilder("<div class=\"plots\">");
    for (String layer : layers) {
      s.append(band("updates-" + layer, layer + ": update ΔW of each step", "update", x, steps, layer,
          RunFiles.WeightStats::updateMean, RunFiles.WeightStats::updateStd, RunFiles.WeightStats::updateMin,
          RunFiles.WeightStats::updateMax));
    }
    s.append("</div>\n");
    List<RunFiles.Step> window = Diagnosis.ratioWindow(steps);
    List<List<String>> rows = new ArrayList<>();
    for (String layer : layers) {
      double std = LossCurve.median(column(window, layer, RunFiles.WeightStats::updateStd));
      double weights = LossCurve.median(column(window, layer, RunFiles.WeightStats::std));
      rows.add(List.of(Html.esc(layer), Html.number(LossCurve.median(column(window, layer, RunFiles.WeightStats::updateMin)), 3),
          Html.number(LossCurve.median(column(window, layer, RunFiles.WeightStats::updateMax)), 3), Html.number(std, 3),
          Html.number(weights, 3), Html.number(std / weights, 3)));
    }
    return s.append(Html.table("updates", List.of("layer", "update min", "update max", "update std", "weight std",
        "update std / weight std"), rows)).append(Html.note("Medians over steps " + window.get(0).step() + " to "
        + window.get(window.size() - 1).step() + " (the last epoch's worth of steps at half the peak rate or more)."
        + " The std ratio, like ‖ΔW‖/‖W‖, is healthy near 1e-3.")).toString();
  }

  static String weights(RunFiles run) {
    List<String> layers = run.layerNames();
    if (layers.isEmpty()) {
      return Html.note(NO_LAYERS + ".");
    }
    List<RunFiles.Step> steps = run.steps();
    double[] x = steps.stream().mapToDouble(RunFiles.Step::step).toArray();
    StringBuilder s = new StringBuilder("<div class=\"plots\">");
    for (String layer : layers) {
      s.append(band("weights-" + layer, layer + ": weights after each step", "weight", x, steps, layer,
          RunFiles.WeightStats::mean, RunFiles.WeightStats::std, RunFiles.WeightStats::min, RunFiles.WeightStats::max));
    }
    return s.append("</div>\n").toString();
  }

  /** A chart of mean ± std as a band, the mean as a line, min and max dashed. */
  private static String band(String name, String title, String yLabel, double[] x, List<RunFiles.Step> steps,
      String layer, ToDoubleFunction<RunFiles.WeightStats> meanOf, ToDoubleFunction<RunFiles.WeightStats> stdOf,
      ToDoubleFunction<RunFiles.WeightStats> minOf, ToDoubleFunction<RunFiles.WeightStats> maxOf) {
    double[] mean = column(steps, layer, meanOf);
    double[] std = column(steps, layer, stdOf);
    double[] lo = new double[mean.length];
    double[] hi = new double[mean.length];
    for (int i = 0; i < mean.length; i++) {
      lo[i] = mean[i] - std[i];
      hi[i] = mean[i] + std[i];
    }
    return new Plot(name, title, "step", yLabel)
        .size(430, 260)
        .area("mean ± std", x, lo, hi, "#1f77b4")
        .line("mean", x, mean, "#1f77b4", 1.6, false)
        .line("min", x, column(steps, layer, minOf), "#d62728", 1.0, true)
        .line("max", x, column(steps, layer, maxOf), "#2ca02c", 1.0, true)
        .render();
  }

  static double[] column(List<RunFiles.Step> steps, String layer, ToDoubleFunction<RunFiles.WeightStats> f) {
    double[] out = new double[steps.size()];
    for (int i = 0; i < out.length; i++) {
      RunFiles.WeightStats w = steps.get(i).layers().get(layer);
      out[i] = w == null ? Double.NaN : f.applyAsDouble(w);
    }
    return out;
  }
}
