package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

/**
 * Rows to score ({@code downhill predict}): any data spec read into two columns, an id and a
 * features vector of the model's width; labels are not needed. Nothing is collected on the driver
 * but the first row's width (when the schema does not carry it) and one count per file split.
 *
 * <ul>
 *   <li>IDX, CIFAR-10, synthetic: the chosen split ({@code test} or train) through {@link Sources},
 *       with its {@code row_id} (the row's position in the file);
 *   <li>Parquet, CSV: the {@code idCol} column when given (kept as it is), else {@code row_id},
 *       the row's position in the input (files in path order, rows in file order: the same
 *       numbers whatever the partitioning, see {@link RowPositions#inFiles}); features from
 *       {@code featuresCol} (an ML vector or an array of numbers), else every numeric column but
 *       the id and label columns, assembled in column order;
 *   <li>LIBSVM: {@code row_id} as for files (the label field of each line is ignored).
 * </ul>
 * Rows of file formats are checked in the tasks: a row without features, of another width or
 * with a NaN or infinite value is bad input naming the row.
 */
public final class ScoringInput {
  /** The features column handed to the model. */
  public static final String FEATURES = Sources.FEATURES;

  private ScoringInput() {}

  /**
   * How to read.
   *
   * @param test        read the test split of a directory format (IDX, CIFAR-10, synthetic)
   * @param partitions  P for the directory formats; for files 0 keeps Spark's splits, else a repartition
   * @param width       d, the model's input width (LIBSVM vectors get this size)
   * @param idCol       the id column of Parquet/CSV data, or null for row numbers
   * @param featuresCol vector (or array) column of Parquet/CSV data; when absent, the numeric columns
   * @param labelCol    a label column of Parquet/CSV data, left out of the features when present
   * @param seed        seeds the synthetic dataset
   */
  public record Options(boolean test, int partitions, int width, String idCol, String featuresCol, String labelCol,
      long seed) {}

  /**
   * Rows read.
   *
   * @param frame    columns {@code idColumn} and {@link #FEATURES}
   * @param idColumn the id column's name
   * @param features the data's width (d when it matches the model)
   */
  public record Input(Dataset<Row> frame, String idColumn, int features) {}

  public static Input read(SparkSession spark, DataSpec spec, Options o) {
    return switch (spec.kind()) {
      case IDX, CIFAR10, SYNTHETIC -> {
        Sources.Loaded l = Sources.read(spark, spec, o.test(), new Sources.Options(o.partitions(), 0, Sources.LABEL,
            Sources.FEATURES, null, o.seed()));
        yield new Input(l.frame().select(Sources.ROW_ID, Sources.FEATURES), Sources.ROW_ID, l.features());
      }
      case LIBSVM -> libsvm(spark, spec, o);
      case PARQUET -> table(spec, spark.read().parquet(existing(spec)), o);
      case CSV -> table(spec, spark.read().option("header", "true").option("inferSchema", "true")
          .csv(existing(spec)), o);
      case DATAFRAME -> throw new IllegalArgumentException("a DataFrame is scored with transform, not read: " + spec);
    };
  }

  /**
   * LIBSVM: Spark infers the width first (a pass over the file); data wider than the model is
   * returned as it is (for the caller's width check), narrower data is read again at the model's
   * width (sparse rows may simply not use the last indices).
   */
  private static Input libsvm(SparkSession spark, DataSpec spec, Options o) {
    String path = existing(spec);
    Dataset<Row> inferred = spark.read().format("libsvm").load(path);
    int d = AttributeGroup.fromStructField(inferred.schema().apply(Sources.FEATURES)).size();
    if (d <= 0) {
      throw BadInputException.of(spec.text(), "no features", "at least one feature index", "none");
    }
    if (d > o.width()) {
      return new Input(inferred.select(Sources.FEATURES), Sources.ROW_ID, d);
    }
    Dataset<Row> raw = spark.read().format("libsvm").option("numFeatures", Integer.toString(o.width())).load(path);
    Dataset<Row> rows = repartition(numbered(raw.select(Sources.FEATURES), spec), o.partitions());
    return new Input(checked(rows, Sources.ROW_ID, o.width(), spec), Sources.ROW_ID, o.width());
  }

  private static Input table(DataSpec spec, Dataset<Row> raw, Options o) {
    List<String> columns = Arrays.asList(raw.columns());
    if (o.idCol() != null && !columns.contains(o.idCol())) {
      throw BadInputException.of(spec.text(), "id column missing", "a column named '" + o.idCol() + "' (--id-col)",
          "columns " + columns);
    }
    FeatureColumn fc = FeatureColumn.of(spec, raw, o.featuresCol(), Arrays.asList(o.labelCol(), o.idCol()));
    raw = fc.frame();
    Column features = col(FeatureColumn.NAME);
    Dataset<Row> rows;
    String id;
    if (o.idCol() != null) {
      id = o.idCol();
      rows = raw.select(col(id), features.as(FEATURES));
    } else {
      id = Sources.ROW_ID;
      rows = numbered(raw.select(features.as(FEATURES)), spec);
    }
    rows = repartition(rows, o.partitions());
    int d = AttributeGroup.fromStructField(rows.schema().apply(FEATURES)).size();
    if (d <= 0) {
      List<Row> first = rows.select(FEATURES).where(col(FEATURES).isNotNull()).limit(1).collectAsList();
      if (first.isEmpty()) {
        throw BadInputException.of(spec.text(), "no rows", "at least one row with features", "none");
      }
      d = ((Vector) first.get(0).get(0)).size();
    }
    return new Input(d == o.width() ? checked(rows, id, d, spec) : rows, id, d);
  }

  /** Adds {@code row_id}: the row's position in the input ({@link RowPositions#inFiles}). */
  private static Dataset<Row> numbered(Dataset<Row> frame, DataSpec spec) {
    return RowPositions.inFiles(frame, spec, Sources.ROW_ID).frame(frame.sparkSession());
  }

  /** The features column checked row by row in the tasks: present, {@code d} values, all finite. */
  private static Dataset<Row> checked(Dataset<Row> rows, String id, int d, DataSpec spec) {
    String where = spec.text();
    UserDefinedFunction check = udf((UDF2<String, Vector, Vector>) (rowId, v) -> {
      if (v == null) {
        throw BadInputException.of(where + ", row " + rowId, "missing features", d + " features", "null");
      }
      if (v.size() != d) {
        throw BadInputException.of(where + ", row " + rowId, "dimension mismatch with the model", d + " features",
            v.size() + " features");
      }
      double[] values = v.toArray();
      for (int j = 0; j < values.length; j++) {
        if (!Double.isFinite(values[j])) {
          throw BadInputException.of(where + ", row " + rowId, "invalid feature value", "finite numbers (a null cell "
              + "reads as NaN)", values[j] + " at feature " + j);
        }
      }
      return v;
    }, SQLDataTypes.VectorType());
    return rows.withColumn(FEATURES, check.apply(col(id).cast(DataTypes.StringType), col(FEATURES)));
  }

  private static Dataset<Row> repartition(Dataset<Row> frame, int partitions) {
    return partitions > 0 ? frame.repartition(partitions) : frame;
  }

  private static String existing(DataSpec spec) {
    String path = HadoopOpener.qualify(spec.path());
    try {
      if (!new HadoopOpener().exists(path)) {
        throw BadInputException.of(spec.text(), "path not found", "an existing " + spec.kind().name().toLowerCase()
            + " file or directory", "nothing at " + path);
      }
    } catch (IOException e) {
      throw new BadInputException(spec.text() + ": cannot access " + path + ": " + e, e);
    }
    return path;
  }
}
