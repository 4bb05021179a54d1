package io.downhill.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * One axis of a {@link Plot}: its domain, whether log10, and its ticks.
 *
 * @param lo    the low end of the domain
 * @param hi    the high end
 * @param log   whether log10
 * @param ticks where the ticks go, in data units
 * @param step  the distance between ticks of a linear axis (0 on a log axis)
 */
record Axis(double lo, double hi, boolean log, double[] ticks, double step) {

  /**
   * An axis covering [min, max] with about five ticks: a linear axis rounded out to its ticks, or
   * ({@code tight}) exactly the data's range; a log axis always tight, with ticks at powers of
   * ten (and 2 and 5 times them when it spans little).
   */
  static Axis of(double min, double max, boolean log, boolean integers, boolean tight) {
    if (!(min <= max)) { // no data
      return log ? of(1, 10, true, false, false) : of(0, 1, false, integers, false);
    }
    return log ? logAxis(min, max) : linearAxis(min, max, integers, tight);
  }

  private static Axis linearAxis(double min, double max, boolean integers, boolean tight) {
    if (min == max) {
      double pad = min == 0 ? 0.5 : Math.abs(min) * 0.1;
      min -= pad;
      max += pad;
    }
    double step = niceStep((max - min) / 5);
    if (integers) {
      step = Math.max(1, Math.rint(step));
    }
    double lo = tight ? min : Math.floor(min / step + 1e-9) * step;
    double hi = tight ? max : Math.ceil(max / step - 1e-9) * step;
    List<Double> ticks = new ArrayList<>();
    for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++) {
      ticks.add(k * step);
    }
    return new Axis(lo, hi, false, ticks.stream().mapToDouble(Double::doubleValue).toArray(), step);
  }

  private static Axis logAxis(double min, double max) {
    double l0 = Math.log10(min);
    double l1 = Math.log10(max);
    double pad = Math.max(0.15, (l1 - l0) * 0.03);
    l0 -= pad;
    l1 += pad;
    List<Double> ticks = new ArrayList<>();
    int e0 = (int) Math.floor(l0);
    int e1 = (int) Math.ceil(l1);
    int every = Math.max(1, (int) Math.ceil((l1 - l0) / 7));
    double[] mantissas = l1 - l0 <= 2 ? new double[] {1, 2, 5} : new double[] {1};
    for (int e = e0; e <= e1; e++) {
      for (double m : mantissas) {
        double v = m * Math.pow(10, e);
        double lv = Math.log10(v);
        if (lv >= l0 - 1e-9 && lv <= l1 + 1e-9 && (m != 1 || Math.floorMod(e, every) == 0)) {
          ticks.add(v);
        }
      }
    }
    if (ticks.size() < 2) { // less than a factor 2 or so: evenly spaced values read better
      ticks.clear();
      for (double t : linearAxis(Math.pow(10, l0), Math.pow(10, l1), false, true).ticks()) {
        ticks.add(t);
      }
    }
    return new Axis(Math.pow(10, l0), Math.pow(10, l1), true,
        ticks.stream().mapToDouble(Double::doubleValue).toArray(), 0);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  /** Whether {@code v} can be drawn on this axis. */
  boolean valid(double v) {
    return Double.isFinite(v) && (!log || v > 0);
  }

  /** Where {@code v} lies, 0 at {@code lo} and 1 at {@code hi}. */
  double frac(double v) {
    return log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
  }

  String label(double v) {
    return log ? Html.number(v, 3) : Html.number(v, 6);
  }
}
