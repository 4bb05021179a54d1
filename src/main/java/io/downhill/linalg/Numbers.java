package io.downhill.linalg;

/** Numbers as people write settings: 0.1, 0.8, 1e-4, 256. */
public final class Numbers {
  private Numbers() {}

  /** The shortest decimal form Java knows ({@link Double#toString}), without ".0" and with "e" for exponents. */
  public static String compact(double v) {
    String s = Double.toString(v);
    if (s.endsWith(".0")) {
      return s.substring(0, s.length() - 2);
    }
    return s.replace(".0E", "e").replace("E", "e");
  }
}
