package io.downhill.monitor;

import java.util.Arrays;
import java.util.List;

/**
 * The lecture's readings of the per-step loss curve, as numbers the {@link Diagnosis} holds against
 * its thresholds. Over the n steps with a finite loss, with w = max(5, min(50, n/10)) steps:
 * <pre>
 *   trend Tᵢ        the centered moving average of the step losses over w steps
 *   noise σ         the std of the residuals lossᵢ - Tᵢ of the second half of the run (where the
 *                   trend is flatter, so that the steep first steps do not count as noise)
 *   start           the mean loss of the first max(1, min(10, n/10)) steps, as {@link Diagnosis} takes it
 *   first, middle, last   the mean loss of the first w steps, of the w steps around the middle, of the last w
 *   noise share     σ / (start - last)          "the width of the curve is related to the batch size"
 *   late share      (middle - last) / (first - last)   the second half's part of the fall: 0.5 for a
 *                   straight line, far less for a curve that falls fast, then flattens
 *   penalty share   the mean over the last w steps of (loss - data_loss) / loss: regularization's part
 *                   of the objective at the end
 * </pre>
 * Undefined readings (too few steps, no fall) are NaN.
 *
 * @param steps the steps with a finite loss
 */
record LossCurve(int steps, int window, double start, double first, double middle, double last, double noise,
    double penaltyShare) {

  /** Fewer steps than this give no reading: four windows of the smallest width. */
  static final int MIN_STEPS = 20;
  /** The widest window, that of the report's moving average of the loss. */
  static final int MAX_WINDOW = 50;

  static LossCurve of(List<RunFiles.Step> all) {
    List<RunFiles.Step> steps = all.stream().filter(s -> Double.isFinite(s.loss())).toList();
    int n = steps.size();
    int w = Math.max(5, Math.min(MAX_WINDOW, n / 10));
    if (n < MIN_STEPS) {
      return new LossCurve(n, w, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] loss = steps.stream().mapToDouble(RunFiles.Step::loss).toArray();
    int mid = (n - w) / 2;
    double[] share = steps.subList(n - w, n).stream().filter(s -> Double.isFinite(s.dataLoss()) && s.loss() != 0)
        .mapToDouble(s -> (s.loss() - s.dataLoss()) / s.loss()).toArray();
    return new LossCurve(n, w, mean(loss, 0, Math.max(1, Math.min(10, n / 10))), mean(loss, 0, w),
        mean(loss, mid, mid + w), mean(loss, n - w, n), noise(loss, w),
        share.length == 0 ? Double.NaN : Arrays.stream(share).average().orElse(Double.NaN));
  }

  /**
   * The std of the residuals around the centered moving average of width {@code w}, over the
   * second half of the windows: window j covers steps [j, j + w), its residual is its middle step's.
   */
  static double noise(double[] loss, int w) {
    int windows = loss.length - w + 1;
    double sum = 0;
    for (int i = 0; i < w - 1; i++) {
      sum += loss[i];
    }
    double rs = 0;
    double rr = 0;
    int m = 0;
    for (int j = 0; j < windows; j++) {
      sum += loss[j + w - 1];
      if (j >= windows / 2) {
        double r = loss[j + w / 2] - sum / w;
        rs += r;
        rr += r * r;
        m++;
      }
      sum -= loss[j];
    }
    double mean = rs / m;
    return Math.sqrt(Math.max(0, rr / m - mean * mean));
  }

  private static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  /** start - last: how far the loss fell over the run. */
  double fall() {
    return start - last;
  }

  /** σ / (start - last); NaN unless the loss fell. */
  double noiseShare() {
    return fall() > 0 ? noise / fall() : Double.NaN;
  }

  /** (middle - last) / (first - last); NaN unless the loss fell from the first window to the last. */
  double lateShare() {
    return first > last ? (middle - last) / (first - last) : Double.NaN;
  }

  /** The median of the finite values, NaN when there are none. */
  static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
