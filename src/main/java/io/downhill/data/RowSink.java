package io.downhill.data;

import io.downhill.BadInputException;

/**
 * Where a partition's rows go to become one {@link Shard}: dense row blocks ({@link BlockBuilder})
 * or CSR blocks ({@link SparseBlockBuilder}). Both reject the same bad rows with the same messages.
 * A row's {@code y} is its class index, or its real-valued target when the sink was made for
 * regression rows.
 */
public interface RowSink {
  /** Rows added so far. */
  long rows();

  /** Adds a dense row. */
  void addDense(double[] values, double y, double weight);

  /** Adds a sparse row ({@code size} features, indices ascending and within {@code 0..d-1}). */
  void addSparse(int size, int[] indices, double[] values, double y, double weight);

  /** The shard of all rows added; the sink is empty afterwards. */
  Shard build();

  static BadInputException dimension(long row, int cols, int found) {
    return BadInputException.of("row " + row, "dimension mismatch", cols + " features", found + " features");
  }

  static BadInputException nonFinite(long row, int feature, double v) {
    return BadInputException.of("row " + row + ", feature " + feature, "feature value is not finite",
        "a finite number", Double.toString(v));
  }

  static void checkWeight(long row, double weight) {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw BadInputException.of("row " + row, "invalid sample weight", "a finite number >= 0", Double.toString(weight));
    }
  }
}
