package io.downhill.train;

import io.downhill.model.ParameterLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * What one step did to one weight matrix: the ratio of the update's magnitude to the weights'
 * (the lecture's rule of thumb: about 1e-3; far below, the learning rate is too low; far above, too
 * high) and the weights' distribution after the step.
 * <pre>
 *   update_ratio = ‖W_after - W_before‖₂ / ‖W_after‖₂
 * </pre>
 *
 * @param name        the weight slice: {@code W} (linear) or {@code W1, W2, ...} (networks)
 * @param updateRatio ‖ΔW‖ / ‖W‖ (NaN when the weights are all zero)
 */
public record LayerStats(String name, double updateRatio, double min, double max, double mean, double std)
    implements java.io.Serializable {

  /** One entry per weight slice of {@code layout}, in layer order; biases are left out. */
  public static List<LayerStats> measure(ParameterLayout layout, double[] before, double[] after) {
    List<LayerStats> out = new ArrayList<>();
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.role() != ParameterLayout.Role.WEIGHT) {
        continue;
      }
      double du = 0;
      double ww = 0;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = s.offset(); i < s.end(); i++) {
        double w = after[i];
        double d = w - before[i];
        du += d * d;
        ww += w * w;
        sum += w;
        min = Math.min(min, w);
        max = Math.max(max, w);
      }
      int n = s.size();
      double mean = sum / n;
      double var = Math.max(0, ww / n - mean * mean);
      out.add(new LayerStats(s.name(), ww > 0 ? Math.sqrt(du / ww) : Double.NaN, min, max, mean, Math.sqrt(var)));
    }
    return out;
  }
}
