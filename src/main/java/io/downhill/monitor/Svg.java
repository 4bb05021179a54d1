package io.downhill.monitor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoublePredicate;

/**
 * Charts as inline SVG, drawn here in Java rather than by a JavaScript plotting library: the
 * reports must be self-contained (no network, nothing fetched at view time), code fetched from
 * elsewhere may not go into the repository, and markup built on the server can be checked by plain
 * unit tests.
 *
 * <p>A {@link Plot} is a 2-D chart with numeric axes (linear or log10 each), tick labels, axis
 * labels, a title and a legend; it holds lines, markers, bars, shaded areas, and horizontal
 * reference lines and bands. Every drawn data element carries {@code class="mark"}, so a browser
 * (or a test) can measure what was drawn. Points that are NaN or infinite, or not positive on a log
 * axis, are skipped (a line breaks there). Long lines are thinned to at most {@link #MAX_POINTS}
 * points by keeping each bucket's minimum and maximum, so spikes survive.
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

  /** One axis: its domain, whether log10, and its ticks. */
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

  /** A chart with numeric axes; build with the fluent methods, then {@link #render()}. */
  static final class Plot {
    static final int WIDTH = 600;
    static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 18;
    private static final int TOP = 50;
    private static final int BOTTOM = 42;

    private enum Kind { LINE, POINTS, BARS, AREA, HLINE, HBAND }

    private record Series(Kind kind, String label, String colour, double[] x, double[] y, double[] y2, double width,
        Marker marker, String[] tips, boolean pinBottom, boolean dashed) {}

    private final String name;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX;
    private boolean logY;
    private boolean integerX;
    private final List<Double> includeY = new ArrayList<>();
    private int width = WIDTH;
    private int height = HEIGHT;

    /** {@code name} becomes {@code data-plot}, and should be unique in the page (it also names the clip path). */
    Plot(String name, String title, String xLabel, String yLabel) {
      this.name = name;
      this.title = title;
      this.xLabel = xLabel;
      this.yLabel = yLabel;
    }

    Plot logX(boolean on) {
      this.logX = on;
      return this;
    }

    Plot logY(boolean on) {
      this.logY = on;
      return this;
    }

    /** Integer ticks on x (epochs). */
    Plot integerX() {
      this.integerX = true;
      return this;
    }

    /** Makes the y axis reach {@code v} (e.g. 0 or 1 for accuracies). */
    Plot includeY(double v) {
      includeY.add(v);
      return this;
    }

    Plot size(int w, int h) {
      this.width = w;
      this.height = h;
      return this;
    }

    /** A line through (x[i], y[i]), broken where a point is missing. {@code label} null: no legend entry. */
    Plot line(String label, double[] x, double[] y, String colour, double strokeWidth, boolean dashed) {
      series.add(new Series(Kind.LINE, label, colour, x, y, null, strokeWidth, null, null, false, dashed));
      return this;
    }

    Plot line(String label, double[] x, double[] y, String colour) {
      return line(label, x, y, colour, 1.6, false);
    }

    /** Markers, with an optional tooltip per point; {@code pinBottom} draws them on the bottom edge whatever y is. */
    Plot points(String label, double[] x, double[] y, String colour, Marker marker, String[] tips, boolean pinBottom) {
      series.add(new Series(Kind.POINTS, label, colour, x, y, null, 0, marker, tips, pinBottom, false));
      return this;
    }

    /** Bars from x0[i] to x1[i], from 0 up to h[i]. */
    Plot bars(String label, double[] x0, double[] x1, double[] h, String colour) {
      series.add(new Series(Kind.BARS, label, colour, x0, h, x1, 0, null, null, false, false));
      return this;
    }

    /** A shaded area between lo[i] and hi[i] along x. */
    Plot area(String label, double[] x, double[] lo, double[] hi, String colour) {
      series.add(new Series(Kind.AREA, label, colour, x, lo, hi, 0, null, null, false, false));
      return this;
    }

    /** A dashed horizontal reference line at {@code y}. */
    Plot hline(String label, double y, String colour) {
      series.add(new Series(Kind.HLINE, label, colour, null, new double[] {y}, null, 1.4, null, null, false, true));
      return this;
    }

    /** A shaded horizontal band from {@code lo} to {@code hi}. */
    Plot hband(String label, double lo, double hi, String colour) {
      series.add(new Series(Kind.HBAND, label, colour, null, new double[] {lo}, new double[] {hi}, 0, null, null, false,
          false));
      return this;
    }

    /** The {@code <svg class="plot" data-plot="NAME">} element. */
    String render() {
      Axis xa = xAxis();
      Axis ya = yAxis();
      StringBuilder s = new StringBuilder(4096);
      String id = "clip-" + name.replaceAll("[^A-Za-z0-9_-]", "_");
      s.append("<svg class=\"plot\" data-plot=\"").append(Html.esc(name)).append("\" xmlns=\"http://www.w3.org/2000/svg\"")
          .append(" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"").append(width)
          .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"").append(Html.esc(title))
          .append("\">\n");
      s.append("<defs><clipPath id=\"").append(id).append("\"><rect x=\"").append(LEFT).append("\" y=\"").append(TOP)
          .append("\" width=\"").append(right() - LEFT).append("\" height=\"").append(bottom() - TOP)
          .append("\"/></clipPath></defs>\n");
      s.append("<text class=\"title\" x=\"").append(LEFT).append("\" y=\"18\">").append(Html.esc(title)).append("</text>\n");
      grid(s, xa, ya);
      s.append("<g clip-path=\"url(#").append(id).append(")\">\n");
      for (Series se : series) {
        if (se.kind() == Kind.HBAND) {
          drawSeries(s, se, xa, ya); // bands under everything
        }
      }
      for (Series se : series) {
        if (se.kind() != Kind.HBAND && se.kind() != Kind.POINTS) {
          drawSeries(s, se, xa, ya);
        }
      }
      s.append("</g>\n");
      for (Series se : series) {
        if (se.kind() == Kind.POINTS) {
          drawSeries(s, se, xa, ya); // markers unclipped, so edge points stay whole
        }
      }
      if (!hasData(xa, ya)) {
        s.append("<text x=\"").append((LEFT + right()) / 2).append("\" y=\"").append((TOP + bottom()) / 2)
            .append("\" text-anchor=\"middle\">no data</text>\n");
      }
      legend(s);
      return s.append("</svg>\n").toString();
    }

    private int right() {
      return width - RIGHT;
    }

    private int bottom() {
      return height - BOTTOM;
    }

    private double px(Axis a, double v) {
      return LEFT + a.frac(v) * (right() - LEFT);
    }

    private double py(Axis a, double v) {
      return bottom() - a.frac(v) * (bottom() - TOP);
    }

    private Axis xAxis() {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (Series se : series) {
        for (double[] xs : new double[][] {se.x(), se.kind() == Kind.BARS ? se.y2() : null}) {
          if (xs == null) {
            continue;
          }
          for (double v : xs) {
            if (Double.isFinite(v) && (!logX || v > 0)) {
              min = Math.min(min, v);
              max = Math.max(max, v);
            }
          }
        }
      }
      return Axis.of(min, max, logX, integerX, true);
    }

    private Axis yAxis() {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      List<Double> values = new ArrayList<>(includeY);
      for (Series se : series) {
        if (se.pinBottom()) {
          continue;
        }
        if (se.kind() == Kind.BARS) {
          values.add(0.0);
        }
        for (double[] ys : new double[][] {se.y(), se.kind() == Kind.BARS ? null : se.y2()}) {
          if (ys != null) {
            for (double v : ys) {
              values.add(v);
            }
          }
        }
      }
      for (double v : values) {
        if (Double.isFinite(v) && (!logY || v > 0)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      return Axis.of(min, max, logY, false, false);
    }

    private boolean hasData(Axis xa, Axis ya) {
      for (Series se : series) {
        if (se.x() == null) {
          continue;
        }
        for (int i = 0; i < se.x().length; i++) {
          if (xa.valid(se.x()[i]) && (se.pinBottom() || ya.valid(se.y()[i]))) {
            return true;
          }
        }
      }
      return false;
    }

    private void grid(StringBuilder s, Axis xa, Axis ya) {
      s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(right() - LEFT)
          .append("\" height=\"").append(bottom() - TOP).append("\" fill=\"none\" stroke=\"#bbb\"/>\n<g stroke=\"#eee\">");
      for (double t : xa.ticks()) {
        double x = px(xa, t);
        s.append("<line x1=\"").append(c(x)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(c(x))
            .append("\" y2=\"").append(bottom()).append("\"/>");
      }
      for (double t : ya.ticks()) {
        double y = py(ya, t);
        s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(c(y)).append("\" x2=\"").append(right())
            .append("\" y2=\"").append(c(y)).append("\"/>");
      }
      s.append("</g>\n<g class=\"ticks\">");
      for (double t : xa.ticks()) {
        s.append("<text x=\"").append(c(px(xa, t))).append("\" y=\"").append(bottom() + 15)
            .append("\" text-anchor=\"middle\">").append(Html.esc(xa.label(t))).append("</text>");
      }
      for (double t : ya.ticks()) {
        s.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(c(py(ya, t) + 4))
            .append("\" text-anchor=\"end\">").append(Html.esc(ya.label(t))).append("</text>");
      }
      s.append("</g>\n");
      s.append("<text x=\"").append((LEFT + right()) / 2).append("\" y=\"").append(height - 8)
          .append("\" text-anchor=\"middle\">").append(Html.esc(xLabel + (xa.log() ? " (log scale)" : ""))).append("</text>\n");
      int cy = (TOP + bottom()) / 2;
      s.append("<text x=\"14\" y=\"").append(cy).append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ").append(cy)
          .append(")\">").append(Html.esc(yLabel + (ya.log() ? " (log scale)" : ""))).append("</text>\n");
    }

    private void drawSeries(StringBuilder s, Series se, Axis xa, Axis ya) {
      switch (se.kind()) {
        case LINE -> drawLine(s, se, xa, ya);
        case POINTS -> drawPoints(s, se, xa, ya);
        case BARS -> drawBars(s, se, xa, ya);
        case AREA -> drawArea(s, se, xa, ya);
        case HLINE -> {
          double v = se.y()[0];
          if (ya.valid(v)) {
            s.append("<path class=\"mark ref\" d=\"M").append(LEFT).append(' ').append(c(py(ya, v))).append("H")
                .append(right()).append("\" stroke=\"").append(se.colour()).append("\" stroke-width=\"1.4\"")
                .append(" stroke-dasharray=\"6 4\" fill=\"none\"/>\n");
          }
        }
        case HBAND -> {
          double lo = Math.max(se.y()[0], ya.lo());
          double hi = Math.min(se.y2()[0], ya.hi());
          if (ya.valid(lo) && ya.valid(hi) && hi > lo) {
            s.append("<rect class=\"mark ref\" x=\"").append(LEFT).append("\" y=\"").append(c(py(ya, hi)))
                .append("\" width=\"").append(right() - LEFT).append("\" height=\"").append(c(py(ya, lo) - py(ya, hi)))
                .append("\" fill=\"").append(se.colour()).append("\" fill-opacity=\"0.10\"/>\n");
          }
        }
      }
    }

    private void drawLine(StringBuilder s, Series se, Axis xa, Axis ya) {
      double[] x = se.x();
      double[] y = se.y();
      int[] keep = thin(y, MAX_POINTS, ya::valid);
      StringBuilder d = new StringBuilder(keep.length * 12);
      boolean pen = false;
      for (int i : keep) {
        if (i < 0 || !xa.valid(x[i]) || !ya.valid(y[i])) {
          pen = false;
          continue;
        }
        d.append(pen ? 'L' : 'M').append(c(px(xa, x[i]))).append(' ').append(c(py(ya, y[i])));
        pen = true;
      }
      if (d.length() > 0) {
        s.append("<path class=\"mark\" d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(se.colour())
            .append("\" stroke-width=\"").append(se.width()).append("\" stroke-linejoin=\"round\"")
            .append(se.dashed() ? " stroke-dasharray=\"5 3\"" : "").append("/>\n");
      }
    }

    private void drawPoints(StringBuilder s, Series se, Axis xa, Axis ya) {
      for (int i = 0; i < se.x().length; i++) {
        double xv = se.x()[i];
        double yv = se.y()[i];
        if (!xa.valid(xv) || !(se.pinBottom() || ya.valid(yv))) {
          continue;
        }
        double y = se.pinBottom() ? bottom() - 7 : py(ya, yv);
        s.append("<path class=\"mark\" d=\"").append(markerPath(se.marker(), px(xa, xv), y)).append("\" ")
            .append(markerStyle(se.marker(), se.colour()));
        if (se.tips() != null && se.tips()[i] != null) {
          s.append("><title>").append(Html.esc(se.tips()[i])).append("</title></path>\n");
        } else {
          s.append("/>\n");
        }
      }
    }

    private void drawBars(StringBuilder s, Series se, Axis xa, Axis ya) {
      double base = py(ya, Math.max(0, ya.lo()));
      for (int i = 0; i < se.x().length; i++) {
        double x0 = se.x()[i];
        double x1 = se.y2()[i];
        double h = se.y()[i];
        if (!xa.valid(x0) || !xa.valid(x1) || !ya.valid(h) || h <= 0) {
          continue;
        }
        double left = px(xa, x0);
        double top = py(ya, h);
        s.append("<rect class=\"mark\" x=\"").append(c(left)).append("\" y=\"").append(c(top)).append("\" width=\"")
            .append(c(Math.max(0.5, px(xa, x1) - left - 0.5))).append("\" height=\"").append(c(Math.max(0.5, base - top)))
            .append("\" fill=\"").append(se.colour()).append("\"/>\n");
      }
    }

    private void drawArea(StringBuilder s, Series se, Axis xa, Axis ya) {
      double[] x = se.x();
      List<Integer> keep = new ArrayList<>();
      int stride = Math.max(1, x.length / MAX_POINTS + (x.length % MAX_POINTS == 0 ? 0 : 1));
      for (int i = 0; i < x.length; i += stride) {
        if (xa.valid(x[i]) && ya.valid(se.y()[i]) && ya.valid(se.y2()[i])) {
          keep.add(i);
        }
      }
      if (keep.size() < 2) {
        return;
      }
      StringBuilder d = new StringBuilder();
      for (int k = 0; k < keep.size(); k++) {
        int i = keep.get(k);
        d.append(k == 0 ? 'M' : 'L').append(c(px(xa, x[i]))).append(' ').append(c(py(ya, se.y2()[i])));
      }
      for (int k = keep.size() - 1; k >= 0; k--) {
        int i = keep.get(k);
        d.append('L').append(c(px(xa, x[i]))).append(' ').append(c(py(ya, se.y()[i])));
      }
      s.append("<path class=\"mark\" d=\"").append(d).append("z\" fill=\"").append(se.colour())
          .append("\" fill-opacity=\"0.18\" stroke=\"none\"/>\n");
    }

    private void legend(StringBuilder s) {
      double x = LEFT;
      double y = 36;
      s.append("<g class=\"legend\">");
      for (Series se : series) {
        if (se.label() == null) {
          continue;
        }
        double w = 30 + 6.2 * se.label().length();
        if (x + w > right() && x > LEFT) {
          break; // no room: the rest stay out of the legend rather than overlap the title
        }
        switch (se.kind()) {
          case POINTS -> s.append("<path d=\"").append(markerPath(se.marker(), x + 8, y - 4)).append("\" ")
              .append(markerStyle(se.marker(), se.colour())).append("/>");
          case BARS, AREA, HBAND -> s.append("<rect x=\"").append(c(x)).append("\" y=\"").append(c(y - 9))
              .append("\" width=\"16\" height=\"10\" fill=\"").append(se.colour()).append("\" fill-opacity=\"")
              .append(se.kind() == Kind.BARS ? "1" : "0.3").append("\"/>");
          default -> s.append("<path d=\"M").append(c(x)).append(' ').append(c(y - 4)).append("h16\" stroke=\"")
              .append(se.colour()).append("\" stroke-width=\"2\"").append(se.dashed() ? " stroke-dasharray=\"5 3\"" : "")
              .append("/>");
        }
        s.append("<text x=\"").append(c(x + 21)).append("\" y=\"").append(c(y)).append("\">").append(Html.esc(se.label()))
            .append("</text>");
        x += w;
      }
      s.append("</g>\n");
    }
  }
}
