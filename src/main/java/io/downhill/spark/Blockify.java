package io.downhill.spark;

import io.downhill.data.BadInputException;
import io.downhill.data.BlockBuilder;
import io.downhill.data.Labels;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns each partition of a DataFrame (label, features[, weight]) into one {@link Shard} of dense
 * blocks, once, validating every row: label allowed, dimension right, values finite, weight >= 0.
 */
public final class Blockify {
  /** Target bytes of features per block when the block size is automatic. */
  static final long TARGET_BLOCK_BYTES = 32L << 20;

  private Blockify() {}

  /** Rows per block for {@code d} features: about 32 MB of features, at least 1 row. */
  public static int autoBlockRows(int features, Precision precision) {
    return (int) Math.max(1, Math.min(1 << 20, TARGET_BLOCK_BYTES / ((long) features * precision.bytes())));
  }

  /**
   * One shard per partition, in partition order; not yet cached.
   *
   * @param weighted     whether the frame has a weight column
   * @param classWeights per-class factors on each row's weight, or null
   * @param where        names the data in error messages, e.g. "test data (libsvm:/x.txt)"
   */
  public static JavaRDD<Shard> shards(Dataset<Row> frame, Labels labels, int features, Precision precision,
      int blockRows, boolean weighted, double[] classWeights, String where) {
    Dataset<Row> columns = weighted
        ? frame.select(Sources.LABEL, Sources.FEATURES, Sources.WEIGHT)
        : frame.select(Sources.LABEL, Sources.FEATURES);
    return columns.javaRDD().mapPartitionsWithIndex((Integer partition, Iterator<Row> rows) -> {
      BlockBuilder builder = new BlockBuilder(precision, features, blockRows, weighted || classWeights != null);
      try {
        while (rows.hasNext()) {
          Row row = rows.next();
          if (row.isNullAt(0)) {
            throw BadInputException.of("row " + builder.rows(), "missing label", labels.describe(), "null");
          }
          int label = labels.classOrThrow(row.getDouble(0), "row " + builder.rows());
          double weight = weighted ? (row.isNullAt(2) ? Double.NaN : row.getDouble(2)) : 1.0;
          if (classWeights != null) {
            weight *= classWeights[label];
          }
          Vector v = row.isNullAt(1) ? null : (Vector) row.get(1);
          if (v instanceof DenseVector dense) {
            builder.addDense(dense.values(), label, weight);
          } else if (v instanceof SparseVector sparse) {
            builder.addSparse(sparse.size(), sparse.indices(), sparse.values(), label, weight);
          } else {
            throw BadInputException.of("row " + builder.rows(), "missing features", features + " features", "null");
          }
        }
      } catch (BadInputException e) {
        throw new BadInputException(where + ", partition " + partition + ", " + e.getMessage(), e);
      }
      return List.of(builder.build()).iterator();
    }, true);
  }
}
