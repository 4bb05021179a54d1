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
 * One pass over the matrix on the driver, beside the optimizer's own pass over θ: every step of
 * either transport (a job per step, or the collective's replicas, which report the same numbers).
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
      out.add(new LayerStats(s.name(), ww > 0 ? Math.sqrt(du / ww) : Double.NaN, min, max, mean, std(ww, mean, n),
          dMin, dMax, dMean, std(du, dMean, n)));
    }
    return out;
  }

  /** The population standard deviation from the sum of squares and the mean (never negative). */
  private static double std(double sumOfSquares, double mean, int n) {
    return Math.sqrt(Math.max(0, sumOfSquares / n - mean * mean));
  }
}
