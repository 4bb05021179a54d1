package io.downhill.data;

import io.downhill.BadInputException;
import java.io.Serializable;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How raw label values (doubles, as Spark stores them) become class indices {@code 0..k-1}, or,
 * for regression ({@link #real}), real-valued targets taken as they are.
 *
 * <p>Multiclass labels must be the integers {@code 0..k-1}. Binary data may also use
 * {@code -1/+1} (LIBSVM's convention), mapped to {@code 0/1}. Anything else (a fraction, a
 * negative, a label at or above k, NaN) is rejected with the offending value. Regression targets
 * may be any finite number; NaN and infinities are rejected. Regression has no class count
 * ({@link #numClasses} is 0) and its labels are never indexed.
 */
public final class Labels implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int numClasses;
  private final boolean plusMinusOne;

  private Labels(int numClasses, boolean plusMinusOne) {
    this.numClasses = numClasses;
    this.plusMinusOne = plusMinusOne;
  }

  /** Real-valued targets (regression): any finite number, no classes. */
  public static Labels real() {
    return new Labels(0, false);
  }

  /** Whether these are real-valued regression targets rather than classes. */
  public boolean isReal() {
    return numClasses == 0;
  }

  /** Labels {@code 0..k-1}. */
  public static Labels classes(int k) {
    if (k < 2) {
      throw BadInputException.of("labels", "too few classes", "at least 2 classes", k + " class" + (k == 1 ? "" : "es"));
    }
    return new Labels(k, false);
  }

  /** Binary labels written -1/+1. */
  public static Labels plusMinusOne() {
    return new Labels(2, true);
  }

  /**
   * Decides the mapping from the distinct raw labels and their counts in the training data.
   *
   * @param numClasses the number of classes if the user gave it, else 0 (inferred as max + 1)
   * @param where names the data in messages
   */
  public static Labels infer(Map<Double, Long> counts, int numClasses, String where) {
    if (counts.isEmpty()) {
      throw BadInputException.of(where, "no rows", "at least one labelled row", "empty data");
    }
    SortedMap<Double, Long> sorted = new TreeMap<>(counts);
    if (sorted.size() == 1) { // all 1 would make a "binary" model that never saw a 0: refused like all 0
      double only = sorted.firstKey();
      throw BadInputException.of(where, "only one class in the training labels", "at least 2 distinct labels",
          "only label " + format(only) + " (" + sorted.get(only) + " row" + (sorted.get(only) == 1 ? "" : "s") + ")");
    }
    boolean onlyPlusMinusOne = sorted.keySet().stream().allMatch(v -> v == -1.0 || v == 1.0);
    if (onlyPlusMinusOne && numClasses <= 2) {
      return plusMinusOne();
    }
    int max = -1;
    for (Map.Entry<Double, Long> e : sorted.entrySet()) {
      double v = e.getKey();
      if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
        throw BadInputException.of(where, "invalid label", numClasses > 0
            ? "integers 0.." + (numClasses - 1) : "integers 0..k-1 (or -1/+1 for binary data)",
            format(v) + " (" + e.getValue() + " row" + (e.getValue() == 1 ? "" : "s") + ")");
      }
      max = Math.max(max, (int) v);
    }
    if (numClasses > 0 && max >= numClasses) {
      throw BadInputException.of(where, "label out of range", "0.." + (numClasses - 1) + " (" + numClasses + " classes)",
          format(max) + " (" + sorted.get((double) max) + " rows)");
    }
    return classes(numClasses > 0 ? numClasses : max + 1);
  }

  public int numClasses() {
    return numClasses;
  }

  public boolean isPlusMinusOne() {
    return plusMinusOne;
  }

  /** Whether a raw label is allowed: a class of this mapping, or any finite number for {@link #real} targets. */
  public boolean allows(double raw) {
    return isReal() ? Double.isFinite(raw) : classOf(raw) >= 0;
  }

  /**
   * A regression row's target: the raw label itself when finite; a {@link BadInputException} at
   * {@code where} when it is NaN or infinite.
   */
  public double targetOrThrow(double raw, String where) {
    if (!Double.isFinite(raw)) {
      throw BadInputException.of(where, "label is not finite", describe(), Double.toString(raw));
    }
    return raw;
  }

  /** The class index of a raw label, or -1 when the label is not allowed (always, for real targets). */
  public int classOf(double raw) {
    if (plusMinusOne) {
      return raw == 1.0 ? 1 : raw == -1.0 ? 0 : -1;
    }
    if (raw >= 0 && raw < numClasses && raw == Math.rint(raw)) {
      return (int) raw;
    }
    return -1;
  }

  /** The class index of a raw label; a {@link BadInputException} at {@code where} when not allowed. */
  public int classOrThrow(double raw, String where) {
    int c = classOf(raw);
    if (c < 0) {
      throw BadInputException.of(where, "label out of range", describe(), format(raw));
    }
    return c;
  }

  /** e.g. "integer labels 0..9", "labels -1/+1" or "finite real-valued labels". */
  public String describe() {
    return isReal() ? "finite real-valued labels" : plusMinusOne ? "labels -1/+1" : "integer labels 0.." + (numClasses - 1);
  }

  /** A label as written: "3", "-1", "0.5". */
  public static String format(double v) {
    return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
  }

  @Override
  public String toString() {
    return describe();
  }
}
