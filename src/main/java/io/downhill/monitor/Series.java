package io.downhill.monitor;

import static io.downhill.monitor.Svg.MAX_POINTS;
import static io.downhill.monitor.Svg.c;
import static io.downhill.monitor.Svg.markerPath;
import static io.downhill.monitor.Svg.markerStyle;
import static io.downhill.monitor.Svg.thin;

import io.downhill.monitor.Svg.Marker;
import java.util.ArrayList;
import java.util.List;

/**
 * One series of a {@link Plot} and how it is drawn. Points that cannot be drawn on their axis are
 * skipped, and a line breaks there.
 *
 * @param kind      what is drawn
 * @param label     the legend entry, or null for none
 * @param colour    its colour
 * @param x         x of each point (the left edges of bars); null for horizontal references
 * @param y         y of each point (bar heights, an area's lower edge, a reference's value)
 * @param y2        the right edges of bars, an area's upper edge, a band's upper value; else null
 * @param width     the stroke width of a line
 * @param marker    the marker of points, else null
 * @param tips      a tooltip per point, or null
 * @param pinBottom points drawn on the bottom edge whatever y is
 * @param dashed    a dashed line
 */
record Series(Series.Kind kind, String label, String colour, double[] x, double[] y, double[] y2, double width,
    Marker marker, String[] tips, boolean pinBottom, boolean dashed) {

  enum Kind { LINE, POINTS, BARS, AREA, HLINE, HBAND }

  /** Where the plot's data area lies in the SVG, and the axes that map data into it. */
  record Frame(Axis x, Axis y, int left, int top, int right, int bottom) {
    double px(double v) {
      return left + x.frac(v) * (right - left);
    }

    double py(double v) {
      return bottom - y.frac(v) * (bottom - top);
    }
  }

  /** Appends the series' marks, each with {@code class="mark"}. */
  void draw(StringBuilder s, Frame f) {
    switch (kind) {
      case LINE -> drawLine(s, f);
      case POINTS -> drawPoints(s, f);
      case BARS -> drawBars(s, f);
      case AREA -> drawArea(s, f);
      case HLINE -> {
        double v = y[0];
        if (f.y().valid(v)) {
          s.append("<path class=\"mark ref\" d=\"M").append(f.left()).append(' ').append(c(f.py(v))).append("H")
              .append(f.right()).append("\" stroke=\"").append(colour).append("\" stroke-width=\"1.4\"")
              .append(" stroke-dasharray=\"6 4\" fill=\"none\"/>\n");
        }
      }
      case HBAND -> {
        double lo = Math.max(y[0], f.y().lo());
        double hi = Math.min(y2[0], f.y().hi());
        if (f.y().valid(lo) && f.y().valid(hi) && hi > lo) {
          s.append("<rect class=\"mark ref\" x=\"").append(f.left()).append("\" y=\"").append(c(f.py(hi)))
              .append("\" width=\"").append(f.right() - f.left()).append("\" height=\"").append(c(f.py(lo) - f.py(hi)))
              .append("\" fill=\"").append(colour).append("\" fill-opacity=\"0.10\"/>\n");
        }
      }
    }
  }

  private void drawLine(StringBuilder s, Frame f) {
    int[] keep = thin(y, MAX_POINTS, f.y()::valid);
    StringBuilder d = new StringBuilder(keep.length * 12);
    boolean pen = false;
    for (int i : keep) {
      if (i < 0 || !f.x().valid(x[i]) || !f.y().valid(y[i])) {
        pen = false;
        continue;
      }
      d.append(pen ? 'L' : 'M').append(c(f.px(x[i]))).append(' ').append(c(f.py(y[i])));
      pen = true;
    }
    if (d.length() > 0) {
      s.append("<path class=\"mark\" d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(colour)
          .append("\" stroke-width=\"").append(width).append("\" stroke-linejoin=\"round\"")
          .append(dashed ? " stroke-dasharray=\"5 3\"" : "").append("/>\n");
    }
  }

  private void drawPoints(StringBuilder s, Frame f) {
    for (int i = 0; i < x.length; i++) {
      double xv = x[i];
      double yv = y[i];
      if (!f.x().valid(xv) || !(pinBottom || f.y().valid(yv))) {
        continue;
      }
      double py = pinBottom ? f.bottom() - 7 : f.py(yv);
      s.append("<path class=\"mark\" d=\"").append(markerPath(marker, f.px(xv), py)).append("\" ")
          .append(markerStyle(marker, colour));
      if (tips != null && tips[i] != null) {
        s.append("><title>").append(Html.esc(tips[i])).append("</title></path>\n");
      } else {
        s.append("/>\n");
      }
    }
  }

  private void drawBars(StringBuilder s, Frame f) {
    double base = f.py(Math.max(0, f.y().lo()));
    for (int i = 0; i < x.length; i++) {
      double x0 = x[i];
      double x1 = y2[i];
      double h = y[i];
      if (!f.x().valid(x0) || !f.x().valid(x1) || !f.y().valid(h) || h <= 0) {
        continue;
      }
      double left = f.px(x0);
      double top = f.py(h);
      s.append("<rect class=\"mark\" x=\"").append(c(left)).append("\" y=\"").append(c(top)).append("\" width=\"")
          .append(c(Math.max(0.5, f.px(x1) - left - 0.5))).append("\" height=\"").append(c(Math.max(0.5, base - top)))
          .append("\" fill=\"").append(colour).append("\"/>\n");
    }
  }

  private void drawArea(StringBuilder s, Frame f) {
    List<Integer> keep = new ArrayList<>();
    int stride = Math.max(1, x.length / MAX_POINTS + (x.length % MAX_POINTS == 0 ? 0 : 1));
    for (int i = 0; i < x.length; i += stride) {
      if (f.x().valid(x[i]) && f.y().valid(y[i]) && f.y().valid(y2[i])) {
        keep.add(i);
      }
    }
    if (keep.size() < 2) {
      return;
    }
    StringBuilder d = new StringBuilder();
    for (int k = 0; k < keep.size(); k++) {
      int i = keep.get(k);
      d.append(k == 0 ? 'M' : 'L').append(c(f.px(x[i]))).append(' ').append(c(f.py(y2[i])));
    }
    for (int k = keep.size() - 1; k >= 0; k--) {
      int i = keep.get(k);
      d.append('L').append(c(f.px(x[i]))).append(' ').append(c(f.py(y[i])));
    }
    s.append("<path class=\"mark\" d=\"").append(d).append("z\" fill=\"").append(colour)
        .append("\" fill-opacity=\"0.18\" stroke=\"none\"/>\n");
  }
}
