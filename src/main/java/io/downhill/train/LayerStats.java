package io.downhill.train;

import io.downhill.model.ParameterLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * What one step did to one weight matrix (the lecture's "min, max, std for values and updates, and
 * monitor their ratio"): the ratio of the update's magnitude to the weights' (rule of thumb: about
 * 1e-3; far below, the learning rate is too low; far above, too high), the weights' distribution
 * after the step, and the update's own distribution, ΔW = W_after - W_before over the matrix's
 * entries:
 * <pre>
 *   update_ratio = ‖ΔW‖₂ / ‖W_after‖₂
 *   min, max, mean, std                                  of the entries of W_after
 *   update_min, update_max, update_mean, update_std      of the entries of ΔW
 * </pre>
 * One pass over the weights after the step and one over the update, on the driver, beside the
 * optimizer's own pass over θ: every step of either transport (a job per step, or the collective's
 * replicas, which report the same numbers; there two tasks share the two passes).
 * Under {@code --local-steps K} the K steps of a job are one update, measured once. Min and max
 * skip NaN entries (plain comparisons, cheaper than {@code Math.min}); the sums do not, so a NaN
 * weight still shows as a NaN mean, std and ratio.
 *
 * @param name        the weight slice: {@code W} (linear) or {@code W1, W2, ...} (networks)
 * @param updateRatio ‖ΔW‖ / ‖W‖ (NaN when the weights are all zero)
 * @param updateStd   the population standard deviation of ΔW's entries (around {@code updateMean})
 */
public record LayerStats(String name, double updateRatio, double min, double max, double mean, double std,
    double updateMin, double updateMax, double updateMean, double updateStd) implements java.io.Serializable {

  /** One entry per weight slice of {@code layout}, in layer order; biases are left out. */
  public static List<LayerStats> measure(ParameterLayout layout, double[] before, double[] after) {
    return of(layout, weightSums(layout, after), updateSums(layout, before, after));
  }

  /** The values {@link #weightSums} and {@link #updateSums} give per weight slice. */
  public static final int SUMS = 4;

  /**
   * Per weight slice of {@code layout}, in layer order, {@link #SUMS} values of the weights after
   * the step: Σw², Σw, min w, max w. With {@link #updateSums}, all that {@link #of} needs: the two
   * halves may be measured apart (by two tasks of a collective segment), and each sum takes the same
   * additions in the same order as one pass over both would, so the statistics come out the same bits.
   */
  public static double[] weightSums(ParameterLayout layout, double[] after) {
    double[] out = new double[SUMS * weightSlices(layout)];
    int at = 0;
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.role() != ParameterLayout.Role.WEIGHT) {
        continue;
      }
      double ww = 0;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = s.offset(); i < s.end(); i++) {
        double w = after[i];
        ww += w * w;
        sum += w;
        min = w < min ? w : min;
        max = w > max ? w : max;
      }
      out[at++] = ww;
      out[at++] = sum;
      out[at++] = min;
      out[at++] = max;
    }
    return out;
  }

  /** The same of the update d = after - before: Σd², Σd, min d, max d. */
  public static double[] updateSums(ParameterLayout layout, double[] before, double[] after) {
    double[] out = new double[SUMS * weightSlices(layout)];
    int at = 0;
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.role() != ParameterLayout.Role.WEIGHT) {
        continue;
      }
      double du = 0;
      double dSum = 0;
      double dMin = Double.POSITIVE_INFINITY;
      double dMax = Double.NEGATIVE_INFINITY;
      for (int i = s.offset(); i < s.end(); i++) {
        double d = after[i] - before[i];
        du += d * d;
        dSum += d;
        dMin = d < dMin ? d : dMin;
        dMax = d > dMax ? d : dMax;
      }
      out[at++] = du;
      out[at++] = dSum;
      out[at++] = dMin;
      out[at++] = dMax;
    }
    return out;
  }

  /** The statistics of every weight slice from its {@link #weightSums} and {@link #updateSums}. */
  public static List<LayerStats> of(ParameterLayout layout, double[] weights, double[] updates) {
    List<LayerStats> out = new ArrayList<>();
    int at = 0;
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.role() != ParameterLayout.Role.WEIGHT) {
        continue;
      }
      double ww = weights[at];
      double du = updates[at];
      int n = s.size();
      double mean = weights[at + 1] / n;
      double dMean = updates[at + 1] / n;
      out.add(new LayerStats(s.name(), ww > 0 ? Math.sqrt(du / ww) : Double.NaN, weights[at + 2], weights[at + 3],
          mean, std(ww, mean, n), updates[at + 2], updates[at + 3], dMean, std(du, dMean, n)));
      at += SUMS;
    }
    return out;
  }

  /** How many weight slices {@code layout} has (the slices these statistics describe). */
  public static int weightSlices(ParameterLayout layout) {
    int count = 0;
    for (ParameterLayout.Slice s : layout.slices()) {
      count += s.role() == ParameterLayout.Role.WEIGHT ? 1 : 0;
    }
    return count;
  }

  /** The population standard deviation from the sum of squares and the mean (never negative). */
  private static double std(double sumOfSquares, double mean, int n) {
    return Math.sqrt(Math.max(0, sumOfSquares / n - mean * mean));
  }
}
