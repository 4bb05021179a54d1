package io.downhill.data;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.linalg.Precision;
import java.io.Serializable;
import java.util.List;

/**
 * The training rows of one Spark partition, as a few {@link Block}s (all with class labels, or all
 * with real-valued targets: {@link #regression}). Rows are numbered
 * {@code 0..rows-1} across the blocks; every block but the last holds exactly
 * {@code blockRows} rows, so row {@code r} is row {@code r % blockRows} of block
 * {@code r / blockRows}.
 */
public final class Shard implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Block[] blocks;
  private final int blockRows;
  private final int rows;
  private final int cols;
  private final boolean weighted;

  public Shard(List<Block> blocks, int blockRows, int cols) {
    this.blocks = blocks.toArray(new Block[0]);
    this.blockRows = blockRows;
    this.cols = cols;
    int total = 0;
    boolean anyWeights = false;
    for (int b = 0; b < this.blocks.length; b++) {
      Block block = this.blocks[b];
      if (block.cols() != cols || (b < this.blocks.length - 1 && block.rows() != blockRows)) {
        throw new IllegalArgumentException("block " + b + " has shape " + block.rows() + " x " + block.cols()
            + "; expected " + blockRows + " x " + cols + " (all but the last block full)");
      }
      if (block.isSparse() != this.blocks[0].isSparse()) {
        throw new IllegalArgumentException("block " + b + " is " + (block.isSparse() ? "sparse" : "dense")
            + ", block 0 is not: a shard stores all its rows one way");
      }
      if (block.regression() != this.blocks[0].regression()) {
        throw new IllegalArgumentException("block " + b + (block.regression() ? " has targets" : " has labels")
            + ", block 0 does not: a shard's rows are all classification or all regression rows");
      }
      total += block.rows();
      anyWeights |= block.weights() != null;
    }
    this.rows = total;
    this.weighted = anyWeights;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int blockRows() {
    return blockRows;
  }

  public List<Block> blocks() {
    return List.of(blocks);
  }

  public boolean weighted() {
    return weighted;
  }

  /** Precision of the stored features (float32 when the shard is empty). */
  public Precision precision() {
    return blocks.length == 0 ? Precision.FLOAT32 : blocks[0].precision();
  }

  /** Whether the rows carry real-valued targets (regression) rather than class labels; false when empty. */
  public boolean regression() {
    return blocks.length > 0 && blocks[0].regression();
  }

  /** Whether the rows are stored as CSR (wide, sparse data) rather than dense row blocks. */
  public boolean isSparse() {
    return blocks.length > 0 && blocks[0].isSparse();
  }

  /** Bytes held by the blocks' arrays. */
  public long bytes() {
    long total = 0;
    for (Block b : blocks) {
      total += b.bytes();
    }
    return total;
  }

  /**
   * A 64-bit fingerprint of the rows (features as stored, label or target, weight) that does not depend on
   * their order or on how they are cut into shards and blocks: the sum of a hash per row. Two
   * datasets with the same fingerprint are the same rows (up to hash collisions).
   */
  public long fingerprint() {
    long sum = 0;
    for (Block b : blocks) {
      for (int r = 0; r < b.rows(); r++) {
        // over the non-zeros (column, value) only, so dense and sparse storage of the same rows agree
        long y = b.regression() ? Double.doubleToLongBits(b.targets()[r]) : b.labels()[r] + 1;
        long[] h = {0x9E3779B97F4A7C15L * y ^ Double.doubleToLongBits(b.weight(r))};
        Csr.NonZero mix = (j, v) -> {
          long bits = (long) j << 32 ^ (b.precision() == Precision.FLOAT32 ? Float.floatToIntBits((float) v)
              : Double.doubleToLongBits(v));
          long z = (h[0] ^ bits) * 0xBF58476D1CE4E5B9L;
          h[0] = z ^ (z >>> 31);
        };
        if (b.isSparse()) {
          b.sparse().forEachInRow(r, mix);
        } else {
          Buf x = b.x();
          for (int j = 0; j < cols; j++) {
            double v = x.get(r * cols + j);
            if (v != 0) {
              mix.accept(j, v);
            }
          }
        }
        sum += h[0];
      }
    }
    return sum;
  }

  /** A new shard of the first {@code n} rows (all of them when there are fewer), in one block. */
  public Shard head(int n) {
    int take = Math.min(n, rows);
    int[] order = new int[take];
    for (int i = 0; i < take; i++) {
      order[i] = i;
    }
    int[] labels = new int[take];
    double[] weights = new double[take];
    double[] targets = regression() ? new double[take] : null;
    Block block;
    if (isSparse()) {
      Csr x = gatherSparse(order, 0, take, labels, weights);
      block = targets != null ? Block.regression(x, gatherTargets(order, 0, take, targets), weighted ? weights : null)
          : new Block(x, labels, weighted ? weights : null);
    } else {
      Buf x = Buf.allocate(precision(), take * cols);
      gather(order, 0, take, x, labels, weights);
      block = targets != null
          ? Block.regression(take, cols, x, gatherTargets(order, 0, take, targets), weighted ? weights : null)
          : new Block(take, cols, x, labels, weighted ? weights : null);
    }
    return new Shard(List.of(block), Math.max(1, take), cols);
  }

  /**
   * Copies rows {@code order[from..to)} into {@code dst} (row-major, {@code (to-from) x d}), their
   * labels into {@code labelsDst} (left as they are for regression rows: see {@link #gatherTargets})
   * and their weights into {@code weightsDst}. Touches only those rows.
   */
  public void gather(int[] order, int from, int to, Buf dst, int[] labelsDst, double[] weightsDst) {
    if (isSparse()) {
      throw new IllegalStateException("a sparse shard gathers with gatherSparse");
    }
    for (int i = from, out = 0; i < to; i++, out++) {
      int r = order[i];
      Block block = blocks[r / blockRows];
      int local = r % blockRows;
      Buf x = block.x();
      if (dst.f != null) {
        System.arraycopy(x.f, local * cols, dst.f, out * cols, cols);
      } else {
        System.arraycopy(x.d, local * cols, dst.d, out * cols, cols);
      }
      if (block.labels() != null) {
        labelsDst[out] = block.labels()[local];
      }
      weightsDst[out] = block.weight(local);
    }
  }

  /**
   * The real-valued targets of regression rows {@code order[from..to)} into {@code targetsDst},
   * dense or sparse storage alike (the counterpart of the labels {@link #gather} copies); returns
   * {@code targetsDst}.
   */
  public double[] gatherTargets(int[] order, int from, int to, double[] targetsDst) {
    for (int i = from, out = 0; i < to; i++, out++) {
      int r = order[i];
      targetsDst[out] = blocks[r / blockRows].targets()[r % blockRows];
    }
    return targetsDst;
  }

  /**
   * The sparse counterpart of {@link #gather}: rows {@code order[from..to)} as one CSR (across
   * blocks), their labels (regression rows: none, see {@link #gatherTargets}) and weights. Touches
   * only those rows.
   */
  public Csr gatherSparse(int[] order, int from, int to, int[] labelsDst, double[] weightsDst) {
    int n = to - from;
    int[] ptr = new int[n + 1];
    for (int i = 0; i < n; i++) {
      int r = order[from + i];
      Csr block = blocks[r / blockRows].sparse();
      int local = r % blockRows;
      ptr[i + 1] = ptr[i] + block.rowLength(local);
    }
    int[] idx = new int[ptr[n]];
    Buf v = Buf.allocate(precision(), ptr[n]);
    for (int i = 0; i < n; i++) {
      int r = order[from + i];
      Block block = blocks[r / blockRows];
      int local = r % blockRows;
      block.sparse().copyRow(local, idx, v, ptr[i]);
      if (block.labels() != null) {
        labelsDst[i] = block.labels()[local];
      }
      weightsDst[i] = block.weight(local);
    }
    return new Csr(n, cols, ptr, idx, v);
  }
}
