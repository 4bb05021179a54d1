package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.BlockBuilder;
import io.downhill.data.Labels;
import io.downhill.data.RowSink;
import io.downhill.data.Shard;
import io.downhill.data.SparseBlockBuilder;
import io.downhill.data.Storage;
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
 * blocks, once, validating every row: label allowed (a class of the mapping, or for
 * {@link Labels#real} a finite target), dimension right, values finite, weight >= 0.
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
    return shards(Storage.DENSE, frame, labels, features, precision, blockRows, weighted, classWeights, where);
  }

  /**
   * The same with a choice of {@link Storage}: dense row blocks, CSR blocks, or (auto) CSR for a
   * partition whose first row is a sparse vector when CSR takes under half the dense bytes.
   */
  public static JavaRDD<Shard> shards(Storage storage, Dataset<Row> frame, Labels labels, int features,
      Precision precision, int blockRows, boolean weighted, double[] classWeights, String where) {
    Dataset<Row> columns = weighted
        ? frame.select(Sources.LABEL, Sources.FEATURES, Sources.WEIGHT)
        : frame.select(Sources.LABEL, Sources.FEATURES);
    return columns.javaRDD().mapPartitionsWithIndex((Integer partition, Iterator<Row> rows) -> {
      boolean keepWeights = weighted || classWeights != null;
      RowSink sink = null;
      try {
        while (rows.hasNext()) {
          Row row = rows.next();
          if (sink == null) { // the first row decides: auto stores sparse-vector rows as CSR (if it pays)
            boolean sparseInput = !row.isNullAt(1) && row.get(1) instanceof SparseVector;
            sink = storage == Storage.SPARSE || (storage == Storage.AUTO && sparseInput)
                ? new SparseBlockBuilder(precision, features, blockRows, keepWeights, storage == Storage.AUTO,
                    labels.isReal())
                : new BlockBuilder(precision, features, blockRows, keepWeights, labels.isReal());
          }
          long seen = sink.rows();
          if (row.isNullAt(0)) {
            throw BadInputException.of("row " + seen, "missing label", labels.describe(), "null");
          }
          double y = labels.isReal() ? labels.targetOrThrow(row.getDouble(0), "row " + seen)
              : labels.classOrThrow(row.getDouble(0), "row " + seen); // the target, or the class index
          double weight = weighted ? (row.isNullAt(2) ? Double.NaN : row.getDouble(2)) : 1.0;
          if (classWeights != null) {
            weight *= classWeights[(int) y];
          }
          Vector v = row.isNullAt(1) ? null : (Vector) row.get(1);
          if (v instanceof DenseVector dv) {
            sink.addDense(dv.values(), y, weight);
          } else if (v instanceof SparseVector sv) {
            sink.addSparse(sv.size(), sv.indices(), sv.values(), y, weight);
          } else {
            throw BadInputException.of("row " + seen, "missing features", features + " features", "null");
          }
        }
      } catch (BadInputException e) {
        throw new BadInputException(where + ", partition " + partition + ", " + e.getMessage(), e);
      }
      Shard shard = (sink != null ? sink
          : new BlockBuilder(precision, features, blockRows, keepWeights, labels.isReal())).build();
      return List.of(shard).iterator();
    }, true);
  }
}
