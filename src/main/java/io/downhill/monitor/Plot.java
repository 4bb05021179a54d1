package io.downhill.monitor;

import static io.downhill.monitor.Svg.MAX_POINTS;
import static io.downhill.monitor.Svg.c;
import static io.downhill.monitor.Svg.markerPath;
import static io.downhill.monitor.Svg.markerStyle;
import static io.downhill.monitor.Svg.thin;

import io.downhill.monitor.Series.Kind;
import io.downhill.monitor.Svg.Marker;
import java.util.ArrayList;
import java.util.List;

/**
 * A chart as inline SVG: a 2-D plot with numeric axes (linear or log10 each, {@link Axis}), tick
 * labels, axis labels, a title and a legend; it holds lines, markers, bars, shaded areas, and
 * horizontal reference lines and bands. Build it with the fluent methods, then {@link #render()}.
 *
 * <p>Every drawn data element carries {@code class="mark"}, so a browser (or a test) can measure
 * what was drawn. Points that are NaN or infinite, or not positive on a log axis, are skipped (a
 * line breaks there). Long lines are thinned to at most {@link Svg#MAX_POINTS} points by keeping
 * each bucket's minimum and maximum ({@link Svg#thin}), so spikes survive.
 */
final class Plot {
  static final int WIDTH = 600;
  static final int HEIGHT = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 18;
  private static final int TOP = 50;
  private static final int BOTTOM = 42;

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
    Series.Frame frame = new Series.Frame(xa, ya, LEFT, TOP, right(), bottom());
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
    grid(s, frame);
    s.append("<g clip-path=\"url(#").append(id).append(")\">\n");
    for (Series se : series) {
      if (se.kind() == Kind.HBAND) {
        se.draw(s, frame); // bands under everything
      }
    }
    for (Series se : series) {
      if (se.kind() != Kind.HBAND && se.kind() != Kind.POINTS) {
        se.draw(s, frame);
      }
    }
    s.append("</g>\n");
    for (Series se : series) {
      if (se.kind() == Kind.POINTS) {
        se.draw(s, frame); // markers unclipped, so edge points stay whole
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

  private void grid(StringBuilder s, Series.Frame f) {
    Axis xa = f.x();
    Axis ya = f.y();
    s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(right() - LEFT)
        .append("\" height=\"").append(bottom() - TOP).append("\" fill=\"none\" stroke=\"#bbb\"/>\n<g stroke=\"#eee\">");
    for (double t : xa.ticks()) {
      double x = f.px(t);
      s.append("<line x1=\"").append(c(x)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(c(x))
          .append("\" y2=\"").append(bottom()).append("\"/>");
    }
    for (double t : ya.ticks()) {
      double y = f.py(t);
      s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(c(y)).append("\" x2=\"").append(right())
          .append("\" y2=\"").append(c(y)).append("\"/>");
    }
    s.append("</g>\n<g class=\"ticks\">");
    for (double t : xa.ticks()) {
      s.append("<text x=\"").append(c(f.px(t))).append("\" y=\"").append(bottom() + 15)
          .append("\" text-anchor=\"middle\">").append(Html.esc(xa.label(t))).append("</text>");
    }
    for (double t : ya.ticks()) {
      s.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(c(f.py(t) + 4))
          .append("\" text-anchor=\"end\">").append(Html.esc(ya.label(t))).append("</text>");
    }
    s.append("</g>\n");
    s.append("<text x=\"").append((LEFT + right()) / 2).append("\" y=\"").append(height - 8)
        .append("\" text-anchor=\"middle\">").append(Html.esc(xLabel + (xa.log() ? " (log scale)" : ""))).append("</text>\n");
    int cy = (TOP + bottom()) / 2;
    s.append("<text x=\"14\" y=\"").append(cy).append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ").append(cy)
        .append(")\">").append(Html.esc(yLabel + (ya.log() ? " (log scale)" : ""))).append("</text>\n");
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
