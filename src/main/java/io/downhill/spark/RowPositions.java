package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import static org.apache.spark.sql.functions.col;

/**
 * Numbers rows by their position in the input, and places them into partitions by that number
 * alone. What a row holds (its label, its weight, any other column) never decides where it goes,
 * so a weight column of ones, or any added column, leaves every row in the same partition at the
 * same place, and the validation split (a seeded hash of the number, {@link DataLoader}) holds
 * out the same rows.
 *
 * <p>Two numberings: rows of files by their position in the files ({@link #inFiles}: the same
 * numbers on every cluster), rows of a DataFrame by their position in it ({@link #inFrame}: its
 * partitions in order, each partition's rows in order). {@link #placed} then puts rows
 * {@code [p·N/P, (p+1)·N/P)} into partition p, in order: the ranges that IDX, CIFAR-10 and
 * synthetic rows are read in, and the slices of {@code SparkContext.parallelize}.
 */
final class RowPositions {
  private static final String FILE = "__downhill_file";
  private static final String START = "__downhill_start";

  private RowPositions() {}

  /**
   * Rows numbered 0..N-1 in a first column.
   *
   * @param rows         the rows, the number first, then the input's columns
   * @param schema       their schema
   * @param count        N
   * @param perPartition rows of each partition when the numbers run through the partitions in
   *                     order, else null
   */
  record Numbered(JavaRDD<Row> rows, StructType schema, long count, long[] perPartition) {
    Dataset<Row> frame(SparkSession spark) {
      return spark.createDataFrame(rows, schema);
    }
  }

  /**
   * Numbers the rows of a file source by their position in the input: the files in path order,
   * the rows of each file in order. Spark packs file splits into partitions by size, and the split
   * size follows the cluster's cores, so neither {@code zipWithIndex} nor
   * {@code monotonically_increasing_id} gives the same numbers on every cluster; this does, at the
   * cost of a counting pass (for Parquet only the footers and row groups' metadata are read):
   * rows are counted per split ({@code _metadata.file_path}, {@code file_block_start}), the
   * splits sorted give each one its first number, and each task numbers its splits' rows from there.
   */
  static Numbered inFiles(Dataset<Row> frame, DataSpec spec, String idColumn) {
    Dataset<Row> tagged = frame.withColumn(FILE, col("_metadata.file_path"))
        .withColumn(START, col("_metadata.file_block_start"));
    List<Row> counts = new ArrayList<>(tagged.groupBy(FILE, START).count().collectAsList());
    counts.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparingLong(r -> r.getLong(1)));
    Map<String, Long> firsts = new HashMap<>();
    long next = 0;
    for (Row r : counts) {
      firsts.put(r.getString(0) + "\n" + r.getLong(1), next);
      next += r.getLong(2);
    }
    StructType in = tagged.schema();
    int fileIndex = in.fieldIndex(FILE);
    int startIndex = in.fieldIndex(START);
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < in.fields().length; i++) {
      if (i != fileIndex && i != startIndex) {
        kept.add(i);
      }
    }
    int[] keep = kept.stream().mapToInt(Integer::intValue).toArray();
    String where = spec.text();
    JavaRDD<Row> rows = tagged.javaRDD().mapPartitions(it -> new Iterator<Row>() {
      String split;
      long id;

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row r = it.next();
        String s = r.getString(fileIndex) + "\n" + r.getLong(startIndex);
        if (!s.equals(split)) {
          Long first = firsts.get(s);
          if (first == null) { // the files changed between the counting pass and this one
            throw new BadInputException(where + ": the input changed while it was read (" + s.replace('\n', '@')
                + " was not counted)");
          }
          split = s;
          id = first;
        }
        return numbered(id++, r, keep);
      }
    });
    return new Numbered(rows, withId(frame.schema(), idColumn), next, null);
  }

  /**
   * Numbers the rows of a DataFrame by their position in it: its partitions in order, each one's
   * rows in order (what {@code zipWithIndex} does, with the counts kept). Both passes run over one
   * RDD, so its partitions are the same in both; a plan that yields other rows on a second pass
   * (a nondeterministic one, not cached) is refused rather than numbered wrongly.
   */
  static Numbered inFrame(Dataset<Row> frame, String where, String idColumn) {
    JavaRDD<Row> input = frame.javaRDD();
    List<Long> counted = input.mapPartitions(it -> {
      long n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return List.of(n).iterator();
    }).collect();
    long[] perPartition = counted.stream().mapToLong(Long::longValue).toArray();
    long[] firsts = new long[perPartition.length];
    long total = 0;
    for (int p = 0; p < perPartition.length; p++) {
      firsts[p] = total;
      total += perPartition[p];
    }
    int[] keep = java.util.stream.IntStream.range(0, frame.schema().fields().length).toArray();
    JavaRDD<Row> rows = input.mapPartitionsWithIndex((p, it) -> new Iterator<Row>() {
      long id = firsts[p];

      @Override
      public boolean hasNext() {
        boolean more = it.hasNext();
        if (more ? id == firsts[p] + perPartition[p] : id != firsts[p] + perPartition[p]) {
          throw BadInputException.of(where + ", partition " + p, "the DataFrame gave other rows on a second pass "
              + "(cache or checkpoint it first)", perPartition[p] + " rows, as on the first", "a different count");
        }
        return more;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return numbered(id++, it.next(), keep);
      }
    }, true);
    return new Numbered(rows, withId(frame.schema(), idColumn), total, perPartition);
  }

  /**
   * The numbered rows as a DataFrame of {@code partitions} partitions: partition p holds the rows
   * numbered {@code [p·N/P, (p+1)·N/P)}, in order. Rows already placed so are kept where they are;
   * others are shuffled there by number and sorted by it.
   */
  static Dataset<Row> placed(SparkSession spark, Numbered n, int partitions) {
    if (n.perPartition() != null && inRanges(n.perPartition(), n.count(), partitions)) {
      return n.frame(spark);
    }
    JavaRDD<Row> rows = n.rows().mapToPair(r -> new Tuple2<>(r.getLong(0), r))
        .repartitionAndSortWithinPartitions(new IdRanges(n.count(), partitions)).values();
    return spark.createDataFrame(rows, n.schema());
  }

  private static boolean inRanges(long[] perPartition, long count, int partitions) {
    if (perPartition.length != partitions) {
      return false;
    }
    for (int p = 0; p < partitions; p++) {
      if (perPartition[p] != count * (p + 1) / partitions - count * p / partitions) {
        return false;
      }
    }
    return true;
  }

  private static Row numbered(long id, Row r, int[] keep) {
    Object[] values = new Object[keep.length + 1];
    values[0] = id;
    for (int j = 0; j < keep.length; j++) {
      values[j + 1] = r.get(keep[j]);
    }
    return RowFactory.create(values);
  }

  private static StructType withId(StructType schema, String idColumn) {
    List<StructField> out = new ArrayList<>();
    out.add(DataTypes.createStructField(idColumn, DataTypes.LongType, false));
    out.addAll(List.of(schema.fields()));
    return new StructType(out.toArray(new StructField[0]));
  }

  /**
   * Row i of N goes to the partition p with {@code p·N/P <= i < (p+1)·N/P} (integer division),
   * that is {@code p = ((i+1)·P - 1) / N}.
   */
  private static final class IdRanges extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long count;
    private final int partitions;

    IdRanges(long count, int partitions) {
      this.count = count;
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((((Long) key + 1) * partitions - 1) / count);
    }
  }
}
