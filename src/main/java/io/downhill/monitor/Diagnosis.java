package io.downhill.monitor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-of-run verdict: a few plain-language findings about a run, each with the numbers it rests
 * on, from its metrics and summary alone (the course's "babysitting the learning process" checks).
 *
 * <ul>
 *   <li><b>learning rate too high</b>: the loss became NaN or infinite or the run stopped on an
 *       exploding loss; the mean loss of the end window (the last epoch's steps, or the last quarter
 *       of the steps of a one-epoch run) is more than 1% above that of the first steps; the
 *       per-epoch mean loss rose in at least half of the epochs (oscillation, with 4 or more
 *       epochs); or every layer's
 *       update ratio is above 1e-1 (between 1e-2 and 1e-1 each layer gets a note instead).</li>
 *   <li><b>learning rate too low</b>: the loss fell by less than {@value #MIN_DROP} of its start, or
 *       every layer's update ratio is below 1e-4.</li>
 *   <li><b>regularization may be too high</b> ("loss barely changing: learning rate too low, could
 *       also be reg too high"): the loss fell less than {@value #MIN_DROP} over the run or over its
 *       second half, and the penalty is at least {@value #PENALTY_SHARE} of the objective at the
 *       end ({@link LossCurve#penaltyShare}) or {@code reg} is at least {@value #REG_HIGH}.</li>
 *   <li><b>learning rate probably low, the loss too linear</b>: with no other learning-rate
 *       finding, the second half of the run made at least {@value #LINEAR_SHARE} of the loss's fall
 *       ({@link LossCurve#lateShare}; a straight line makes half).</li>
 *   <li><b>noisy loss: a larger batch</b>: with no other learning-rate finding, the std of the
 *       step losses around their moving average is more than {@value #NOISE_SHARE} of the loss's
 *       fall ({@link LossCurve#noiseShare}).</li>
 *   <li><b>update ratio out of range</b>, per layer: the median ‖ΔW‖/‖W‖ over {@link #ratioWindow}
 *       outside [1e-4, 1e-2] (the rule of thumb is about 1e-3). Not repeated when every layer is out
 *       the same way, which the learning-rate finding already says.</li>
 *   <li><b>overfitting</b>: train accuracy minus validation accuracy above {@value #OVERFIT_GAP}.</li>
 *   <li><b>underfitting</b>: that gap below {@value #UNDERFIT_GAP} while train accuracy still rose by
 *       more than {@value #STILL_RISING} in the last epoch: train longer or use a bigger model.</li>
 *   <li><b>dead ReLUs</b>: more than {@value #DEAD_FRACTION} of a hidden layer's units output zero
 *       on every validation row ({@code dead_units} in the summary).</li>
 * </ul>
 * Random search (no gradient steps) gets a line saying so instead of the learning-rate checks.
 * When none fires, one "healthy" line says so with the run's headline numbers. The thresholds are
 * rules of thumb, and the messages say so by giving their numbers.
 */
public final class Diagnosis {
  private Diagnosis() {}

  static final double MIN_DROP = 0.10;
  static final double RISE_MARGIN = 0.01;
  static final double OVERFIT_GAP = 0.05;
  static final double UNDERFIT_GAP = 0.01;
  static final double STILL_RISING = 0.002;
  static final double DEAD_FRACTION = 0.10;
  static final double RATIO_TARGET = 1e-3;
  static final double RATIO_LOW = 1e-4;
  static final double RATIO_HIGH = 1e-2;
  /**
   * Ratios alone call the learning rate too high only past this (a tenth of the weights each
   * step); between {@link #RATIO_HIGH} and here, with a loss that fell, each layer gets a note.
   */
  static final double RATIO_DECISIVE = 1e-1;
  static final double PENALTY_SHARE = 0.25;
  static final double REG_HIGH = 0.1;
  static final double LINEAR_SHARE = 0.4;
  static final double NOISE_SHARE = 0.15;

  /** One verdict: {@code severity} is {@code ok} or {@code warn}. */
  public record Finding(String severity, String message) {
    public static Finding ok(String message) {
      return new Finding("ok", message);
    }

    public static Finding warn(String message) {
      return new Finding("warn", message);
    }

    public boolean isWarning() {
      return "warn".equals(severity);
    }

    @Override
    public String toString() {
      return severity + ": " + message;
    }
  }

  /** The findings about {@code run}, warnings in the order of the list above, or one healthy line. */
  public static List<Finding> of(RunFiles run) {
    LossTrend loss = LossTrend.of(run);
    Map<String, Double> ratios = medianUpdateRatios(run);
    List<Finding> out = new ArrayList<>();
    if ("random-search".equals(run.text("optimizer"))) {
      out.add(Finding.ok("random search: the best of random weight matrices, a baseline without gradient steps (loss "
          + f(loss.start()) + " -> " + f(loss.end()) + "); the learning-rate checks do not apply"));
    } else {
      int verdict = learningRate(run, loss, ratios, out);
      LossCurve curve = LossCurve.of(run.steps());
      regularization(run, loss, curve, out);
      if (verdict == 0) {
        shapeAndWidth(curve, out);
      }
      updateRatios(ratios, verdict, out);
    }
    accuracyGap(run, out);
    deadUnits(run, out);
    if (out.isEmpty()) {
      out.add(Finding.ok(healthy(run, loss, ratios)));
    }
    return List.copyOf(out);
  }

  /**
   * Where the update ratios judge the learning rate: the last epoch's worth of the steps whose rate
   * is at least half the run's peak. A decaying schedule (step, cosine) shrinks the ratios by design
   * towards the end, so the end of the run would call every annealed run's rate too low.
   */
  static List<RunFiles.Step> ratioWindow(List<RunFiles.Step> steps) {
    double peak = steps.stream().mapToDouble(RunFiles.Step::lr).filter(Double::isFinite).max().orElse(Double.NaN);
    if (!(peak > 0)) {
      return LossTrend.endWindow(steps);
    }
    List<RunFiles.Step> high = steps.stream().filter(st -> st.lr() >= 0.5 * peak).toList();
    int firstEpoch = steps.get(0).epoch();
    long perEpoch = Math.max(1, steps.stream().filter(st -> st.epoch() == firstEpoch).count());
    List<RunFiles.Step> window = high.subList((int) Math.max(0, high.size() - perEpoch), high.size());
    return window;
  }

  /** Per layer, the median update ratio over the {@link #ratioWindow} (layers without finite ratios left out). */
  static Map<String, Double> medianUpdateRatios(RunFiles run) {
    List<RunFiles.Step> window = ratioWindow(run.steps());
    Map<String, Double> out = new LinkedHashMap<>();
    for (String layer : run.layerNames()) {
      double r = LossCurve.median(window.stream().map(s -> s.layers().get(layer)).filter(w -> w != null)
          .mapToDouble(RunFiles.WeightStats::updateRatio).toArray());
      if (Double.isFinite(r)) {
        out.put(layer, r);
      }
    }
    return out;
  }

  /** Adds the learning-rate finding, if any; returns +1 (too high), -1 (too low) or 0. */
  private static int learningRate(RunFiles run, LossTrend loss, Map<String, Double> ratios, List<Finding> out) {
    String stop = run.text("stop_reason").toLowerCase(Locale.ROOT);
    String ratioNote = ratios.isEmpty() ? "" : "; update ratios " + describeRatios(ratios);
    if (loss.nonFinite() > 0 || stop.contains("diverg") || stop.contains("explod") || stop.contains("nan")) {
      out.add(Finding.warn("learning rate too high: the run diverged ("
          + (loss.nonFinite() > 0 ? "loss not finite at step " + loss.nonFinite() : "stopped: " + run.text("stop_reason"))
          + lrNote(run) + "); try a learning rate 3-10x lower" + ratioNote));
      return 1;
    }
    if (Double.isFinite(loss.start()) && Double.isFinite(loss.end()) && loss.end() > loss.start() * (1 + RISE_MARGIN)) {
      out.add(Finding.warn("learning rate too high: the loss rose from " + f(loss.start()) + " (first steps) to "
          + f(loss.end()) + " (end of the run)" + lrNote(run) + "; try a lower learning rate" + ratioNote));
      return 1;
    }
    int rises = rises(loss.epochMeans());
    if (loss.epochMeans().length >= 4 && rises >= (loss.epochMeans().length - 1) / 2.0) {
      out.add(Finding.warn("learning rate too high: the loss oscillates, the epoch's mean loss rose in " + rises + " of "
          + (loss.epochMeans().length - 1) + " epochs (" + join(loss.epochMeans()) + ")" + lrNote(run)
          + "; try a lower learning rate or a decaying schedule" + ratioNote));
      return 1;
    }
    if (!ratios.isEmpty() && ratios.values().stream().allMatch(r -> r > RATIO_DECISIVE)) {
      out.add(Finding.warn("learning rate too high: every layer's update ratio ‖ΔW‖/‖W‖ is above " + f(RATIO_DECISIVE)
          + " (the rule of thumb is about " + f(RATIO_TARGET) + "): " + describeRatios(ratios) + lrNote(run)));
      return 1;
    }
    if (Double.isFinite(loss.drop()) && loss.drop() < MIN_DROP) {
      out.add(Finding.warn("learning rate too low: the loss fell only " + pct(loss.drop()) + " over the run ("
          + f(loss.start()) + " -> " + f(loss.end()) + ", less than " + pct(MIN_DROP) + ")" + lrNote(run)
          + "; try a higher learning rate or more epochs" + ratioNote));
      return -1;
    }
    if (!ratios.isEmpty() && ratios.values().stream().allMatch(r -> r < RATIO_LOW)) {
      out.add(Finding.warn("learning rate too low: every layer's update ratio ‖ΔW‖/‖W‖ is below " + f(RATIO_LOW)
          + " (the rule of thumb is about " + f(RATIO_TARGET) + "): " + describeRatios(ratios) + lrNote(run)));
      return -1;
    }
    return 0;
  }

  /**
   * With a loss that barely fell over the run, or stopped falling in its second half (less than
   * {@link #MIN_DROP} from the middle window to the last), and did not rise or diverge: the
   * regularization, when the penalty is a large part of the objective or its strength is high.
   */
  private static void regularization(RunFiles run, LossTrend loss, LossCurve curve, List<Finding> out) {
    double reg = run.number("reg");
    boolean share = curve.penaltyShare() >= PENALTY_SHARE;
    boolean flat = loss.drop() >= -RISE_MARGIN && loss.drop() < MIN_DROP;
    boolean stalled = loss.drop() >= MIN_DROP && curve.middle() - curve.last() < MIN_DROP * curve.middle();
    if (loss.nonFinite() == 0 && (flat || stalled) && (share || reg >= REG_HIGH)) {
      out.add(Finding.warn("regularization may be too high: the loss " + (flat ? "barely fell (" + f(loss.start())
          + " -> " + f(loss.end()) + ")" : "stopped falling (" + f(curve.middle()) + " -> " + f(curve.last())
          + " over the second half)") + " and " + (share ? "the penalty is " + pct(curve.penaltyShare())
          + " of the objective at the end (" + pct(PENALTY_SHARE) + " or more)" : "reg is " + f(reg) + " ("
          + f(REG_HIGH) + " or more)") + (share && Double.isFinite(reg) ? " at reg " + f(reg) : "")
          + "; try a weaker --reg (a flat loss says the rate is low, or the regularization too strong)"));
    }
  }

  /** The curve's shape and width, for a run without a learning-rate finding. */
  private static void shapeAndWidth(LossCurve curve, List<Finding> out) {
    if (curve.lateShare() >= LINEAR_SHARE) {
      out.add(Finding.warn("learning rate probably too low: the loss falls in a nearly straight line, its second half"
          + " made " + pct(curve.lateShare()) + " of the fall (" + f(curve.first()) + " -> " + f(curve.middle()) + " -> "
          + f(curve.last()) + "; a straight line makes 50%, a curve that flattens as it should makes less than "
          + pct(LINEAR_SHARE) + "); try a higher learning rate"));
    }
    if (curve.noiseShare() > NOISE_SHARE) {
      out.add(Finding.warn("noisy loss: the step losses scatter by " + f(curve.noise()) + " (std around their "
          + curve.window() + "-step moving average in the second half), " + pct(curve.noiseShare()) + " of the loss's"
          + " fall of " + f(curve.fall()) + " (more than " + pct(NOISE_SHARE) + "); a larger --batch-size averages more"
          + " rows per step"));
    }
  }

  /** Per-layer update-ratio findings, unless every layer is out the way the learning-rate verdict already said. */
  private static void updateRatios(Map<String, Double> ratios, int verdict, List<Finding> out) {
    boolean allHigh = !ratios.isEmpty() && ratios.values().stream().allMatch(r -> r > RATIO_DECISIVE);
    boolean allLow = !ratios.isEmpty() && ratios.values().stream().allMatch(r -> r < RATIO_LOW);
    if ((allHigh && verdict > 0) || (allLow && verdict < 0)) {
      return;
    }
    for (Map.Entry<String, Double> e : ratios.entrySet()) {
      double r = e.getValue();
      if (r > RATIO_HIGH) {
        out.add(Finding.warn("update ratio of " + e.getKey() + " is " + f(r) + " (median ‖ΔW‖/‖W‖ while the rate is at least half its peak), above "
            + f(RATIO_HIGH) + ": that layer's weights change too fast (rule of thumb about " + f(RATIO_TARGET) + ")"));
      } else if (r < RATIO_LOW) {
        out.add(Finding.warn("update ratio of " + e.getKey() + " is " + f(r) + " (median ‖ΔW‖/‖W‖ while the rate is at least half its peak), below "
            + f(RATIO_LOW) + ": that layer barely learns (rule of thumb about " + f(RATIO_TARGET) + ")"));
      }
    }
  }

  /** Overfitting or underfitting, from the final train and validation accuracies. */
  private static void accuracyGap(RunFiles run, List<Finding> out) {
    List<RunFiles.Epoch> epochs = run.epochs();
    RunFiles.Epoch last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    double train = firstFinite(run.number("train_accuracy"), last == null ? Double.NaN : last.trainAccuracy());
    double val = firstFinite(run.number("val_accuracy"), last == null ? Double.NaN : last.valAccuracy());
    if (!Double.isFinite(train) || !Double.isFinite(val)) {
      return;
    }
    double gap = train - val;
    if (gap > OVERFIT_GAP) {
      out.add(Finding.warn("overfitting: train accuracy " + f(train) + " vs validation " + f(val) + " (gap " + f(gap)
          + " > " + f(OVERFIT_GAP) + "); try stronger regularization (reg " + f(run.number("reg"))
          + "), dropout, early stopping or more data"));
      return;
    }
    if (gap < UNDERFIT_GAP && epochs.size() >= 2) {
      double rise = epochs.get(epochs.size() - 1).trainAccuracy() - epochs.get(epochs.size() - 2).trainAccuracy();
      if (rise > STILL_RISING) {
        out.add(Finding.warn("underfitting: train accuracy " + f(train) + " is close to validation " + f(val) + " (gap "
            + f(gap) + " < " + f(UNDERFIT_GAP) + ") and still rose " + f(rise) + " in the last epoch; train longer or use"
            + " a bigger model"));
      }
    }
  }

  private static void deadUnits(RunFiles run, List<Finding> out) {
    for (Map.Entry<String, Double> e : run.deadUnits().entrySet()) {
      if (e.getValue() > DEAD_FRACTION) {
        out.add(Finding.warn("dead ReLUs: " + pct(e.getValue()) + " of the units of hidden layer " + e.getKey()
            + " output zero on every validation row (more than " + pct(DEAD_FRACTION) + "); a lower learning rate, He"
            + " initialization or leaky ReLU helps"));
      }
    }
  }

  private static String healthy(RunFiles run, LossTrend loss, Map<String, Double> ratios) {
    List<String> facts = new ArrayList<>();
    if (Double.isFinite(loss.drop())) {
      facts.add("loss fell " + pct(loss.drop()) + " (" + f(loss.start()) + " -> " + f(loss.end()) + ")");
    }
    double train = run.number("train_accuracy");
    double val = run.number("val_accuracy");
    if (Double.isFinite(train) && Double.isFinite(val)) {
      facts.add("train " + f(train) + " vs validation " + f(val) + " accuracy (gap " + f(train - val) + ")");
    }
    if (!ratios.isEmpty()) {
      facts.add("update ratios " + describeRatios(ratios));
    }
    return "healthy: no warning" + (facts.isEmpty() ? " (little to judge: no metrics)" : "; " + String.join(", ", facts));
  }

  private static int rises(double[] means) {
    int rises = 0;
    for (int i = 1; i < means.length; i++) {
      if (means[i] > means[i - 1] * 1.01) {
        rises++;
      }
    }
    return rises;
  }

  private static String lrNote(RunFiles run) {
    double lr = run.number("lr");
    return Double.isFinite(lr) ? " at lr " + f(lr) : "";
  }

  private static String describeRatios(Map<String, Double> ratios) {
    List<String> parts = new ArrayList<>();
    ratios.forEach((k, v) -> parts.add(k + " " + f(v)));
    return String.join(", ", parts);
  }

  private static double firstFinite(double a, double b) {
    return Double.isFinite(a) ? a : b;
  }

  private static String join(double[] values) {
    return String.join(", ", Arrays.stream(values).mapToObj(Diagnosis::f).toList());
  }

  private static String f(double v) {
    return Html.number(v, 3);
  }

  private static String pct(double v) {
    return Html.number(100 * v, 3) + "%";
  }
}
