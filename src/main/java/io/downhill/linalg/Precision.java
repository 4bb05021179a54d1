package io.downhill.linalg;

import java.util.Locale;

/** Storage and compute precision of feature blocks and minibatch arithmetic. Sums are always double. */
public enum Precision {
  FLOAT32("float32", 4),
  FLOAT64("float64", 8);

  private final String label;
  private final int bytes;

  Precision(String label, int bytes) {
    this.label = label;
    this.bytes = bytes;
  }

  /** Bytes per stored value. */
  public int bytes() {
    return bytes;
  }

  public String label() {
    return label;
  }

  /** Accepts float, float32, single, double, float64. */
  public static Precision parse(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "float": case "float32": case "single": case "f32":
        return FLOAT32;
      case "double": case "float64": case "f64":
        return FLOAT64;
      default:
        throw new IllegalArgumentException(
            "precision must be float32 or float64 (also: float, double); found '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return label;
  }
}
