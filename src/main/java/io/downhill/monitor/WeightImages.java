package io.downhill.monitor;

import io.downhill.model.ParameterLayout;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * The first layer's weights drawn as pictures, for image data: column j of the first weight matrix
 * ({@code W} or {@code W1}, inputs x outputs, row-major) holds what unit (or class) j looks for in
 * each pixel, so reshaped to the image's shape it shows the templates a linear classifier learnt
 * and the edge and blob detectors of a network's first layer; noise there means too little
 * training or regularization.
 *
 * <p>Each picture is scaled on its own to [0, 255] (its minimum black, its maximum white), encoded
 * as a PNG by {@code javax.imageio} and embedded as an SVG {@code <image href="data:image/png;base64,...">}:
 * a 28x28 grey picture costs about a kilobyte, far less than a rectangle per pixel. Shapes are
 * {@code [h, w]} (grey) or {@code [c, h, w]} channels first, with c 1 (grey) or 3 (RGB, as CIFAR-10).
 */
final class WeightImages {
  private WeightImages() {}

  /** At most this many units are drawn (the first ones). */
  static final int MAX_UNITS = 64;

  /**
   * The SVG grid of pictures of the first {@value #MAX_UNITS} columns of {@code w}; null when the
   * shape does not match its rows.
   *
   * @param unitName "class" (linear model) or "unit" (network)
   */
  static String grid(String plotName, double[] theta, ParameterLayout.Slice w, int[] shape, String unitName) {
    int channels = shape.length == 3 ? shape[0] : 1;
    int h = shape[shape.length - 2];
    int wd = shape[shape.length - 1];
    if ((long) channels * h * wd != w.rows() || (channels != 1 && channels != 3)) {
      return null;
    }
    int units = Math.min(MAX_UNITS, w.cols());
    int scale = Math.max(1, Math.round(64f / Math.max(h, wd))); // 28x28 and 32x32 both drawn 2x
    int cell = Math.max(h, wd) * scale;
    int gap = 10;
    int label = 14;
    int cols = Math.min(units, 10);
    int rows = (units + cols - 1) / cols;
    int width = cols * (cell + gap) + gap;
    int height = 26 + rows * (cell + label + gap);
    StringBuilder s = new StringBuilder(units * 1400);
    s.append("<svg class=\"plot\" data-plot=\"").append(Html.esc(plotName)).append("\" xmlns=\"http://www.w3.org/2000/svg\"")
        .append(" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"first-layer weights\">\n");
    s.append("<text class=\"title\" x=\"").append(gap).append("\" y=\"18\">").append(Html.esc(w.name()))
        .append(": weights of each ").append(unitName).append(" over the input pixels")
        .append(units < w.cols() ? " (first " + units + " of " + w.cols() + ")" : "").append("</text>\n");
    for (int j = 0; j < units; j++) {
      int x = gap + (j % cols) * (cell + gap);
      int y = 26 + (j / cols) * (cell + label + gap);
      s.append("<image class=\"mark\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(wd * scale)
          .append("\" height=\"").append(h * scale).append("\" preserveAspectRatio=\"none\"")
          .append(" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png(theta, w, j, channels, h, wd))).append("\"/>\n");
      s.append("<text x=\"").append(x + cell / 2).append("\" y=\"").append(y + cell + 11)
          .append("\" text-anchor=\"middle\">").append(unitName).append(' ').append(j).append("</text>\n");
    }
    return s.append("</svg>\n").toString();
  }

  /** Column {@code j} of {@code w} as a PNG, scaled to [0, 255] over its own range (all grey when constant). */
  static byte[] png(double[] theta, ParameterLayout.Slice w, int j, int channels, int h, int wd) {
    int n = w.rows();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double v = theta[w.offset() + i * w.cols() + j];
      if (Double.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    double range = max > min ? max - min : Double.NaN;
    BufferedImage img = new BufferedImage(wd, h, channels == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
    int plane = h * wd;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < wd; x++) {
        int p = y * wd + x;
        if (channels == 3) {
          int r = level(theta[w.offset() + p * w.cols() + j], min, range);
          int g = level(theta[w.offset() + (plane + p) * w.cols() + j], min, range);
          int b = level(theta[w.offset() + (2 * plane + p) * w.cols() + j], min, range);
          img.setRGB(x, y, (r << 16) | (g << 8) | b);
        } else {
          img.getRaster().setSample(x, y, 0, level(theta[w.offset() + p * w.cols() + j], min, range));
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed", e); // in memory: does not happen
    }
    return out.toByteArray();
  }

  private static int level(double v, double min, double range) {
    if (!Double.isFinite(v) || Double.isNaN(range)) {
      return 128;
    }
    return (int) Math.round(255 * (v - min) / range);
  }
}
