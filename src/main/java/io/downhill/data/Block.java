package io.downhill.data;

import io.downhill.linalg.Buf;
import java.io.Serializable;

/**
 * A dense block of training rows: features {@code x} ({@code n x d}, row-major, float32 or
 * float64), {@code n} class labels in {@code 0..k-1}, and optional sample weights (null means
 * every weight is 1). Immutable once built; cached in executor memory.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int rows;
  private final int cols;
  private final Buf x;
  private final int[] labels;
  private final double[] weights;

  public Block(int rows, int cols, Buf x, int[] labels, double[] weights) {
    if (x.length() != rows * cols || labels.length != rows || (weights != null && weights.length != rows)) {
      throw new IllegalArgumentException("block arrays do not match " + rows + " x " + cols);
    }
    this.rows = rows;
    this.cols = cols;
    this.x = x;
    this.labels = labels;
    this.weights = weights;
  }

  /** n, the number of rows. */
  public int rows() {
    return rows;
  }

  /** d, the number of features per row. */
  public int cols() {
    return cols;
  }

  /** The {@code n x d} row-major features. */
  public Buf x() {
    return x;
  }

  /** Row {@code i}'s features, widened into {@code out} (length {@link #cols()}); returns {@code out}. */
  public double[] row(int i, double[] out) {
    for (int j = 0; j < cols; j++) {
      out[j] = x.get(i * cols + j);
    }
    return out;
  }

  public int[] labels() {
    return labels;
  }

  /** Sample weights, or null when all are 1. */
  public double[] weights() {
    return weights;
  }

  public double weight(int row) {
    return weights == null ? 1.0 : weights[row];
  }

  /** Bytes held by the arrays. */
  public long bytes() {
    return (long) x.length() * x.precision().bytes() + 4L * rows + (weights == null ? 0 : 8L * rows);
  }
}
