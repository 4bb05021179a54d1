package io.downhill.data;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.linalg.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a stream of rows into the CSR blocks of one {@link Shard} ({@link Storage#SPARSE}), the
 * sparse counterpart of {@link BlockBuilder}, with the same checks (dimension, finite values,
 * sample weights), class labels or (regression) real-valued targets. Zeros are not stored.
 */
public final class SparseBlockBuilder implements RowSink {
  private final Precision precision;
  private final int cols;
  private final int blockRows;
  private final boolean weighted;
  private final boolean densifyUnlessSmaller;
  private final boolean regression;
  private final List<Block> blocks = new ArrayList<>();

  private int[] rowPtr = new int[16];
  private int[] colIdx = new int[64];
  private float[] vf;
  private double[] vd;
  private int[] labels = new int[16];
  private double[] targets;
  private double[] weights = new double[16];
  private int size;
  private int nnz;
  private long added;

  /**
   * @param densifyUnlessSmaller {@link Storage#AUTO}: at {@link #build}, blocks whose CSR does not
   *     take under half the bytes of dense storage are returned dense
   */
  public SparseBlockBuilder(Precision precision, int cols, int blockRows, boolean weighted,
      boolean densifyUnlessSmaller) {
    this(precision, cols, blockRows, weighted, densifyUnlessSmaller, false);
  }

  /** @param regression rows carry real-valued targets (each row's {@code y}) instead of class labels */
  public SparseBlockBuilder(Precision precision, int cols, int blockRows, boolean weighted,
      boolean densifyUnlessSmaller, boolean regression) {
    if (cols <= 0 || blockRows <= 0) {
      throw new IllegalArgumentException("cols and blockRows must be positive: " + cols + ", " + blockRows);
    }
    this.precision = precision;
    this.cols = cols;
    this.blockRows = blockRows;
    this.weighted = weighted;
    this.densifyUnlessSmaller = densifyUnlessSmaller;
    this.regression = regression;
    reset();
  }

  @Override
  public long rows() {
    return added;
  }

  @Override
  public void addSparse(int size, int[] indices, double[] values, double y, double weight) {
    if (size != cols) {
      throw RowSink.dimension(added, cols, size);
    }
    startRow(y, weight);
    for (int t = 0; t < indices.length; t++) {
      put(indices[t], values[t]);
    }
    endRow();
  }

  /** Adds a dense row; its zeros are dropped. */
  @Override
  public void addDense(double[] values, double y, double weight) {
    if (values.length != cols) {
      throw RowSink.dimension(added, cols, values.length);
    }
    startRow(y, weight);
    for (int j = 0; j < cols; j++) {
      put(j, values[j]);
    }
    endRow();
  }

  private void startRow(double y, double weight) {
    RowSink.checkWeight(added, weight);
    if (size == blockRows) {
      seal();
    }
    if (size + 1 >= rowPtr.length) {
      rowPtr = Arrays.copyOf(rowPtr, rowPtr.length * 2);
      labels = Arrays.copyOf(labels, labels.length * 2);
      targets = regression ? Arrays.copyOf(targets, targets.length * 2) : null;
      weights = Arrays.copyOf(weights, weights.length * 2);
    }
    if (regression) {
      targets[size] = y;
    } else {
      labels[size] = (int) y;
    }
    weights[size] = weight;
  }

  private void put(int j, double v) {
    if (!Double.isFinite(v)) {
      throw RowSink.nonFinite(added, j, v);
    }
    if (v == 0) {
      return;
    }
    if (nnz == colIdx.length) {
      colIdx = Arrays.copyOf(colIdx, colIdx.length * 2);
      if (vf != null) {
        vf = Arrays.copyOf(vf, colIdx.length);
      } else {
        vd = Arrays.copyOf(vd, colIdx.length);
      }
    }
    colIdx[nnz] = j;
    if (vf != null) {
      vf[nnz] = (float) v;
    } else {
      vd[nnz] = v;
    }
    nnz++;
  }

  private void endRow() {
    size++;
    rowPtr[size] = nnz;
    added++;
  }

  private void reset() {
    rowPtr = new int[Math.min(blockRows, 1024) + 1];
    colIdx = new int[1024];
    vf = precision == Precision.FLOAT32 ? new float[1024] : null;
    vd = precision == Precision.FLOAT64 ? new double[1024] : null;
    labels = new int[rowPtr.length];
    targets = regression ? new double[rowPtr.length] : null;
    weights = new double[rowPtr.length];
    size = 0;
    nnz = 0;
  }

  private void seal() {
    if (size == 0) {
      return;
    }
    Buf values = vf != null ? Buf.wrap(Arrays.copyOf(vf, nnz)) : Buf.wrap(Arrays.copyOf(vd, nnz));
    Csr x = new Csr(size, cols, Arrays.copyOf(rowPtr, size + 1), Arrays.copyOf(colIdx, nnz), values);
    double[] w = weighted ? Arrays.copyOf(weights, size) : null;
    blocks.add(regression ? Block.regression(x, Arrays.copyOf(targets, size), w)
        : new Block(x, Arrays.copyOf(labels, size), w));
    reset();
  }

  @Override
  public Shard build() {
    seal();
    List<Block> out = new ArrayList<>(blocks);
    blocks.clear();
    if (densifyUnlessSmaller) {
      long sparse = 0;
      long dense = 0;
      for (Block b : out) {
        sparse += b.sparse().bytes();
        dense += (long) b.rows() * cols * precision.bytes();
      }
      if (2 * sparse >= dense) {
        out.replaceAll(Block::dense);
      }
    }
    return new Shard(out, blockRows, cols);
  }
}
