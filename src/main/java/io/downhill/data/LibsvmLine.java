package io.downhill.data;

/**
 * A strict check of one LIBSVM text line ({@code label index:value index:value ...}, indices
 * one-based and ascending), used to point at the exact line when Spark's {@code libsvm} source
 * (which reads the data) fails or produces a bad value: Spark's own errors name no line.
 * Blank lines and lines starting with {@code #} are skipped, as Spark skips them.
 */
public final class LibsvmLine {
  private LibsvmLine() {}

  /**
   * Returns null when the line is acceptable, else "what: expected X, found Y".
   *
   * @param labels      allowed labels, or null to accept any number
   * @param numFeatures the dimension d, or 0 for any
   */
  public static String problem(String line, Labels labels, int numFeatures) {
    String t = line.trim();
    if (t.isEmpty() || t.startsWith("#")) {
      return null;
    }
    String[] items = t.split("\\s+");
    double label;
    try {
      label = Double.parseDouble(items[0]);
    } catch (NumberFormatException e) {
      return "label is not a number: expected a number, found '" + items[0] + "'";
    }
    if (labels != null && !labels.allows(label)) {
      return (labels.isReal() ? "label is not finite" : "label out of range") + ": expected " + labels.describe()
          + ", found " + items[0];
    }
    int previous = 0;
    for (int i = 1; i < items.length; i++) {
      String item = items[i];
      int colon = item.indexOf(':');
      if (colon <= 0 || colon == item.length() - 1) {
        return "feature is not index:value: expected e.g. 3:0.5, found '" + item + "'";
      }
      int index;
      try {
        index = Integer.parseInt(item.substring(0, colon));
      } catch (NumberFormatException e) {
        return "feature index is not an integer: expected an integer >= 1, found '" + item + "'";
      }
      if (index < 1) {
        return "feature index below 1: expected one-based indices, found " + index;
      }
      if (index <= previous) {
        return "feature indices not ascending: expected an index above " + previous + ", found " + index;
      }
      if (numFeatures > 0 && index > numFeatures) {
        return "feature index out of range: expected 1.." + numFeatures + " (--num-features), found " + index;
      }
      previous = index;
      String value = item.substring(colon + 1);
      double v;
      try {
        v = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        return "feature value is not a number: expected a number, found '" + value + "' at index " + index;
      }
      if (!Double.isFinite(v)) {
        return "feature value is not finite: expected a finite number, found " + value + " at index " + index;
      }
    }
    return null;
  }
}
