package io.downhill.data;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a stream of rows into the dense blocks of one {@link Shard}, once per partition, with class
 * labels or (regression) real-valued targets. Rejects NaN and infinite feature values. Arrays grow
 * by doubling up to {@code blockRows} rows, so small partitions do not allocate a whole block.
 */
public final class BlockBuilder implements RowSink {
  private final Precision precision;
  private final int cols;
  private final int blockRows;
  private final boolean weighted;
  private final boolean regression;
  private final List<Block> blocks = new ArrayList<>();

  private float[] xf;
  private double[] xd;
  private int[] labels;
  private double[] targets;
  private double[] weights;
  private int capacity;
  private int size;
  private long added;

  public BlockBuilder(Precision precision, int cols, int blockRows, boolean weighted) {
    this(precision, cols, blockRows, weighted, false);
  }

  /** @param regression rows carry real-valued targets (each row's {@code y}) instead of class labels */
  public BlockBuilder(Precision precision, int cols, int blockRows, boolean weighted, boolean regression) {
    if (cols <= 0 || blockRows <= 0) {
      throw new IllegalArgumentException("cols and blockRows must be positive: " + cols + ", " + blockRows);
    }
    this.precision = precision;
    this.cols = cols;
    this.blockRows = blockRows;
    this.weighted = weighted;
    this.regression = regression;
  }

  @Override
  public long rows() {
    return added;
  }

  @Override
  public void addDense(double[] values, double y, double weight) {
    if (values.length != cols) {
      throw RowSink.dimension(added, cols, values.length);
    }
    for (int j = 0; j < cols; j++) {
      if (!Double.isFinite(values[j])) {
        throw RowSink.nonFinite(added, j, values[j]);
      }
    }
    int base = startRow(y, weight);
    for (int j = 0; j < cols; j++) {
      put(base + j, values[j]);
    }
  }

  @Override
  public void addSparse(int size, int[] indices, double[] values, double y, double weight) {
    if (size != cols) {
      throw RowSink.dimension(added, cols, size);
    }
    for (int t = 0; t < indices.length; t++) {
      if (!Double.isFinite(values[t])) {
        throw RowSink.nonFinite(added, indices[t], values[t]);
      }
    }
    int base = startRow(y, weight);
    for (int t = 0; t < indices.length; t++) {
      put(base + indices[t], values[t]);
    }
  }

  /** Adds a row of unsigned bytes (pixels), each multiplied by {@code scale}. */
  public void addBytes(byte[] pixels, double scale, int label, double weight) {
    if (pixels.length != cols) {
      throw RowSink.dimension(added, cols, pixels.length);
    }
    int base = startRow(label, weight);
    for (int j = 0; j < cols; j++) {
      put(base + j, (pixels[j] & 0xFF) * scale);
    }
  }

  private void put(int index, double v) {
    if (xf != null) {
      xf[index] = (float) v;
    } else {
      xd[index] = v;
    }
  }

  /** Makes room for one row, records its label (or target) and weight; returns the offset of its features. */
  private int startRow(double y, double weight) {
    RowSink.checkWeight(added, weight);
    if (size == blockRows) {
      seal();
    }
    if (size == capacity) {
      grow();
    }
    if (regression) {
      targets[size] = y;
    } else {
      labels[size] = (int) y;
    }
    if (weighted) {
      weights[size] = weight;
    }
    added++;
    return size++ * cols;
  }

  private void grow() {
    int next = capacity == 0 ? Math.min(blockRows, 1024) : Math.min(blockRows, capacity * 2);
    long elements = (long) next * cols;
    if (elements > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("block of " + next + " x " + cols + " exceeds the 2^31 array limit; "
          + "lower the block size (--block-rows)");
    }
    if (precision == Precision.FLOAT32) {
      xf = xf == null ? new float[(int) elements] : Arrays.copyOf(xf, (int) elements);
    } else {
      xd = xd == null ? new double[(int) elements] : Arrays.copyOf(xd, (int) elements);
    }
    if (regression) {
      targets = targets == null ? new double[next] : Arrays.copyOf(targets, next);
    } else {
      labels = labels == null ? new int[next] : Arrays.copyOf(labels, next);
    }
    if (weighted) {
      weights = weights == null ? new double[next] : Arrays.copyOf(weights, next);
    }
    capacity = next;
  }

  private void seal() {
    if (size == 0) {
      return;
    }
    int n = size;
    Buf x = xf != null ? Buf.wrap(n == capacity ? xf : Arrays.copyOf(xf, n * cols))
        : Buf.wrap(n == capacity ? xd : Arrays.copyOf(xd, n * cols));
    double[] w = weighted ? (n == capacity ? weights : Arrays.copyOf(weights, n)) : null;
    blocks.add(regression ? Block.regression(n, cols, x, n == capacity ? targets : Arrays.copyOf(targets, n), w)
        : new Block(n, cols, x, n == capacity ? labels : Arrays.copyOf(labels, n), w));
    xf = null;
    xd = null;
    labels = null;
    targets = null;
    weights = null;
    capacity = 0;
    size = 0;
  }

  @Override
  public Shard build() {
    seal();
    Shard shard = new Shard(blocks, blockRows, cols);
    blocks.clear();
    return shard;
  }
}
