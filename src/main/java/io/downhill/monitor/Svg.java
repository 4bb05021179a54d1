package io.downhill.monitor;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoublePredicate;

/**
 * What every chart of the reports draws with: the palette, point markers, coordinates, and the
 * thinning and smoothing of long series. The charts are inline SVG ({@code Plot}), drawn here in
 * Java rather than by a JavaScript plotting library: the reports must be self-contained (no
 * network, nothing fetched at view time), code fetched from elsewhere may not go into the
 * repository, and markup built on the server can be checked by plain unit tests.
 */
final class Svg {
  private Svg() {}

  static final int MAX_POINTS = 2000;
  static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
      "#7f7f7f", "#bcbd22", "#17becf"};

  /** The colour of the i-th series. */
  static String colour(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** Point markers. RING is an open circle drawn around another marker (e.g. the best trial). */
  enum Marker { CIRCLE, SQUARE, TRIANGLE, CROSS, RING }

  /** A coordinate with one decimal. */
  static String c(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A marker's path centred at (x, y). */
  static String markerPath(Marker m, double x, double y) {
    double r = 4;
    return switch (m) {
      case CIRCLE -> "M" + c(x - r) + " " + c(y) + "a" + r + " " + r + " 0 1 0 " + 2 * r + " 0a" + r + " " + r + " 0 1 0 "
          + -2 * r + " 0z";
      case RING -> "M" + c(x - 7) + " " + c(y) + "a7 7 0 1 0 14 0a7 7 0 1 0 -14 0z";
      case SQUARE -> "M" + c(x - r) + " " + c(y - r) + "h" + 2 * r + "v" + 2 * r + "h" + -2 * r + "z";
      case TRIANGLE -> "M" + c(x) + " " + c(y - 1.25 * r) + "L" + c(x + 1.15 * r) + " " + c(y + 0.85 * r) + "L"
          + c(x - 1.15 * r) + " " + c(y + 0.85 * r) + "z";
      case CROSS -> "M" + c(x - r) + " " + c(y - r) + "L" + c(x + r) + " " + c(y + r) + "M" + c(x - r) + " " + c(y + r) + "L"
          + c(x + r) + " " + c(y - r);
    };
  }

  /** The marker's style attributes: filled shapes, or stroked for the cross and the ring. */
  static String markerStyle(Marker m, String colour) {
    return m == Marker.CROSS || m == Marker.RING
        ? "fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"" + (m == Marker.RING ? 1.6 : 2) + "\""
        : "fill=\"" + colour + "\" fill-opacity=\"0.85\" stroke=\"#fff\" stroke-width=\"0.6\"";
  }

  /**
   * Indices of the points to draw of a series of {@code n}: all of them when few, else each
   * bucket's lowest and highest valid point in order, and -1 (a gap) for a bucket with none.
   */
  static int[] thin(double[] y, int max, DoublePredicate valid) {
    int n = y.length;
    if (n <= max) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = valid.test(y[i]) ? i : -1;
      }
      return all;
    }
    int buckets = Math.max(1, max / 2);
    int[] out = new int[2 * buckets];
    int k = 0;
    for (int b = 0; b < buckets; b++) {
      int from = (int) ((long) b * n / buckets);
      int to = (int) ((long) (b + 1) * n / buckets);
      int lo = -1;
      int hi = -1;
      for (int i = from; i < to; i++) {
        if (valid.test(y[i])) {
          if (lo < 0 || y[i] < y[lo]) {
            lo = i;
          }
          if (hi < 0 || y[i] > y[hi]) {
            hi = i;
          }
        }
      }
      if (lo < 0) {
        out[k++] = -1;
      } else if (lo == hi) {
        out[k++] = lo;
      } else {
        out[k++] = Math.min(lo, hi);
        out[k++] = Math.max(lo, hi);
      }
    }
    return Arrays.copyOf(out, k);
  }

  /** Trailing moving average over the last {@code window} finite values (NaN where there are none). */
  static double[] movingAverage(double[] y, int window) {
    double[] out = new double[y.length];
    double sum = 0;
    int count = 0;
    for (int i = 0; i < y.length; i++) {
      if (Double.isFinite(y[i])) {
        sum += y[i];
        count++;
      }
      int drop = i - window;
      if (drop >= 0 && Double.isFinite(y[drop])) {
        sum -= y[drop];
        count--;
      }
      out[i] = count > 0 ? sum / count : Double.NaN;
    }
    return out;
  }
}
