package io.downhill.data;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.linalg.Precision;
import java.io.Serializable;

/**
 * A dense block of training rows: features {@code x} ({@code n x d}, row-major, float32 or
 * float64), {@code n} class labels in {@code 0..k-1} or, for regression, {@code n} real-valued
 * targets instead ({@link #regression}), and optional sample weights (null means every weight is
 * 1). Immutable once built; cached in executor memory.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int rows;
  private final int cols;
  private final Buf x;
  private final Csr sparse;
  private final int[] labels;
  private final double[] targets;
  private final double[] weights;

  public Block(int rows, int cols, Buf x, int[] labels, double[] weights) {
    this(rows, cols, x, null, labels, null, weights);
  }

  /** A block of sparse rows (CSR): wide data whose dense rows would be mostly zeros. */
  public Block(Csr x, int[] labels, double[] weights) {
    this(x.rows(), x.cols(), null, x, labels, null, weights);
  }

  /** Exactly one of {@code x} and {@code sparse}, and of {@code labels} and {@code targets}. */
  private Block(int rows, int cols, Buf x, Csr sparse, int[] labels, double[] targets, double[] weights) {
    int ys = labels != null ? labels.length : targets.length;
    if ((x != null && x.length() != rows * cols) || ys != rows || (weights != null && weights.length != rows)) {
      throw new IllegalArgumentException("block arrays do not match " + rows + " x " + cols);
    }
    this.rows = rows;
    this.cols = cols;
    this.x = x;
    this.sparse = sparse;
    this.labels = labels;
    this.targets = targets;
    this.weights = weights;
  }

  /** A dense block of regression rows: real-valued {@code targets}, no class labels. */
  public static Block regression(int rows, int cols, Buf x, double[] targets, double[] weights) {
    return new Block(rows, cols, x, null, null, targets, weights);
  }

  /** A sparse (CSR) block of regression rows. */
  public static Block regression(Csr x, double[] targets, double[] weights) {
    return new Block(x.rows(), x.cols(), null, x, null, targets, weights);
  }

  /** This block's rows stored dense (a CSR block densified), labels or targets and weights as they are. */
  public Block dense() {
    return sparse == null ? this : new Block(rows, cols, sparse.toDense(), null, labels, targets, weights);
  }

  /** Whether the rows are stored sparse ({@link #sparse()}) rather than dense ({@link #x()}). */
  public boolean isSparse() {
    return sparse != null;
  }

  /** The rows as CSR; only for a sparse block. */
  public Csr sparse() {
    if (sparse == null) {
      throw new IllegalStateException("a dense block has no CSR rows");
    }
    return sparse;
  }

  /** Storage precision of the features. */
  public Precision precision() {
    return sparse != null ? sparse.precision() : x.precision();
  }

  /** n, the number of rows. */
  public int rows() {
    return rows;
  }

  /** d, the number of features per row. */
  public int cols() {
    return cols;
  }

  /** The {@code n x d} row-major features; only for a dense block. */
  public Buf x() {
    if (x == null) {
      throw new IllegalStateException("a sparse block has no dense rows: " + sparse);
    }
    return x;
  }

  /** Row {@code i}'s features, widened into {@code out} (length {@link #cols()}); returns {@code out}. */
  public double[] row(int i, double[] out) {
    if (sparse != null) {
      java.util.Arrays.fill(out, 0, cols, 0.0);
      sparse.addRowTo(i, out);
      return out;
    }
    for (int j = 0; j < cols; j++) {
      out[j] = x.get(i * cols + j);
    }
    return out;
  }

  /** The class labels; null for a regression block. */
  public int[] labels() {
    return labels;
  }

  /** Whether the rows carry real-valued targets ({@link #targets}) rather than class labels. */
  public boolean regression() {
    return targets != null;
  }

  /** The real-valued targets of a regression block; null for a block of class labels. */
  public double[] targets() {
    return targets;
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
    long features = sparse != null ? sparse.bytes() : (long) x.length() * x.precision().bytes();
    return features + (targets == null ? 4L : 8L) * rows + (weights == null ? 0 : 8L * rows);
  }
}
