package io.downhill.data;

import io.downhill.BadInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Per-class weights that multiply each training row's weight ({@code --class-weights}):
 * <ul>
 *   <li>{@code balanced}: {@code w_c = N / (k · n_c)}, so every class carries the same total weight
 *       (classes absent from the training data get 1);
 *   <li>{@code w0,w1,...}: one finite non-negative number per class.
 * </ul>
 */
public final class ClassWeights {
  private ClassWeights() {}

  /**
   * The weights for {@code spec}, or null for {@code none} / null.
   *
   * @param counts rows per raw label in the training data (needed for balanced)
   */
  public static double[] parse(String spec, Labels labels, Map<Double, Long> counts) {
    if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
      return null;
    }
    int k = labels.numClasses();
    if (spec.trim().toLowerCase(Locale.ROOT).equals("balanced")) {
      long[] perClass = new long[k];
      long total = 0;
      for (Map.Entry<Double, Long> e : counts.entrySet()) {
        int c = labels.classOf(e.getKey());
        if (c >= 0) {
          perClass[c] += e.getValue();
          total += e.getValue();
        }
      }
      double[] w = new double[k];
      for (int c = 0; c < k; c++) {
        w[c] = perClass[c] == 0 ? 1.0 : (double) total / ((double) k * perClass[c]);
      }
      return w;
    }
    String[] parts = spec.split(",");
    if (parts.length != k) {
      throw BadInputException.of("--class-weights", "wrong number of class weights", k + " numbers (one per class) or "
          + "balanced", parts.length + " in '" + spec + "'");
    }
    double[] w = new double[k];
    for (int c = 0; c < k; c++) {
      try {
        w[c] = Double.parseDouble(parts[c].trim());
      } catch (NumberFormatException e) {
        w[c] = Double.NaN;
      }
      if (!(w[c] >= 0) || Double.isInfinite(w[c])) {
        throw BadInputException.of("--class-weights", "invalid weight of class " + c, "a finite number >= 0",
            "'" + parts[c].trim() + "'");
      }
    }
    if (Arrays.stream(w).allMatch(v -> v == 0)) {
      throw BadInputException.of("--class-weights", "all class weights are zero", "at least one weight > 0", spec);
    }
    return w;
  }
}
