package io.downhill.spark;

import io.downhill.data.RowCursor;
import io.downhill.data.Synthetic;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Rows made inside the tasks: partition p reads (IDX, CIFAR-10) or generates (synthetic) rows
 * {@code [p·N/P, (p+1)·N/P)} of the N rows, so only the P ranges are shipped from the driver.
 * Each row is (position, label, features): a long, a double and an ML dense vector.
 */
final class RangeRows {
  private RangeRows() {}

  /** Opens a cursor over rows [from, to) inside a task. */
  @FunctionalInterface
  interface CursorFactory extends Serializable {
    RowCursor open(long from, long to);
  }

  /** The rows of a file format's cursor, pixels scaled to [0, 1]. */
  static JavaRDD<Row> read(SparkSession spark, long count, int partitions, int features, CursorFactory cursors) {
    return ranges(spark, count, partitions).flatMap(range -> {
      RowCursor cursor = cursors.open(range[0], range[1]);
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((TaskContext t) -> cursor.close());
      }
      return new Iterator<Row>() {
        Boolean ready;

        @Override
        public boolean hasNext() {
          if (ready == null) {
            ready = cursor.next();
          }
          return ready;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          ready = null;
          byte[] pixels = cursor.pixels();
          double[] values = new double[features];
          for (int j = 0; j < features; j++) {
            values[j] = (pixels[j] & 0xFF) / 255.0; // pixels are scaled to [0, 1]
          }
          return RowFactory.create(cursor.index(), (double) cursor.label(), Vectors.dense(values));
        }
      };
    });
  }

  /** {@code count} rows of the synthetic dataset from its row {@code offset} on, seeded. */
  static JavaRDD<Row> synthetic(SparkSession spark, long count, long offset, int partitions, long seed) {
    return ranges(spark, count, partitions).flatMap(range -> {
      Synthetic generator = new Synthetic(seed);
      return new Iterator<Row>() {
        long next = range[0];

        @Override
        public boolean hasNext() {
          return next < range[1];
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          double[] values = new double[Synthetic.FEATURES];
          int label = generator.row(offset + next, values);
          return RowFactory.create(next++, (double) label, Vectors.dense(values));
        }
      };
    });
  }

  /** P contiguous row ranges of {@code count} rows, one per partition (only the ranges are shipped). */
  private static JavaRDD<long[]> ranges(SparkSession spark, long count, int partitions) {
    List<long[]> ranges = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      ranges.add(new long[] {count * p / partitions, count * (p + 1) / partitions});
    }
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ranges, partitions);
  }
}
