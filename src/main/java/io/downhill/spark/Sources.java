package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.CifarReader;
import io.downhill.data.DataSpec;
import io.downhill.data.IdxReader;
import io.downhill.data.Labels;
import io.downhill.data.RowCursor;
import io.downhill.data.Synthetic;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.col;

/**
 * Reads a {@link DataSpec} into a DataFrame with the standard columns {@code label} (double),
 * {@code features} (ML vector), optionally {@code weight} (double) and, for file formats whose
 * rows have a stable position, {@code row_id} (long).
 *
 * <p>IDX, CIFAR-10 and the synthetic dataset are read <i>inside the tasks</i>: the driver only
 * validates headers and hands each partition a row range, so no data is shipped from the driver.
 * LIBSVM goes through Spark's own {@code libsvm} data source, Parquet and CSV through Spark's
 * readers; columns of numbers are assembled into a vector by MLlib's {@link VectorAssembler}.
 */
public final class Sources {
  public static final String LABEL = "label";
  public static final String FEATURES = "features";
  public static final String WEIGHT = "weight";
  public static final String ROW_ID = "row_id";

  private Sources() {}

  /**
   * How to read.
   *
   * @param partitions  P, partitions of the resulting DataFrame
   * @param numFeatures d for LIBSVM, 0 to let Spark infer it
   * @param labelCol    label column of Parquet/CSV input
   * @param featuresCol vector (or array) column of Parquet/CSV input; when absent, every other numeric column
   * @param weightCol   sample-weight column, or null
   * @param seed        seeds the synthetic dataset
   */
  public record Options(int partitions, int numFeatures, String labelCol, String featuresCol, String weightCol,
      long seed) implements Serializable {}

  /**
   * A source read.
   *
   * @param frame      the standard columns
   * @param features   d
   * @param labels      the label mapping when the format fixes it (CIFAR-10, synthetic), else null
   * @param labelCounts rows per raw label when known without a pass over the features (IDX), else null
   * @param imageShape  e.g. {28, 28} or {3, 32, 32} for image data, else null
   */
  public record Loaded(Dataset<Row> frame, int features, Labels labels, Map<Double, Long> labelCounts,
      int[] imageShape) {
    public boolean hasRowId() {
      return Arrays.asList(frame.columns()).contains(ROW_ID);
    }
  }

  private static final StructType IMAGE_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ROW_ID, DataTypes.LongType, false),
      DataTypes.createStructField(LABEL, DataTypes.DoubleType, false),
      DataTypes.createStructField(FEATURES, SQLDataTypes.VectorType(), false)});

  /** Reads the training data ({@code test = false}) or the test split of a directory format. */
  public static Loaded read(SparkSession spark, DataSpec spec, boolean test, Options options) {
    return switch (spec.kind()) {
      case IDX -> idx(spark, spec, test, options);
      case CIFAR10 -> cifar(spark, spec, test, options);
      case SYNTHETIC -> synthetic(spark, test, options);
      case LIBSVM -> libsvm(spark, spec, options);
      case PARQUET -> table(spark, spec, parquet(spark, spec), options);
      case CSV -> csv(spark, spec, options);
      case DATAFRAME -> throw new IllegalArgumentException("a DataFrame is passed to DataLoader.load, not read: " + spec);
    };
  }

  /**
   * Any Spark DataFrame with a label column and a features vector (or array) column, or numeric
   * columns to assemble: the columns are picked as for Parquet and CSV.
   */
  public static Loaded frame(Dataset<Row> frame, String name, Options options) {
    return table(frame.sparkSession(), DataSpec.dataFrame(name), frame, options);
  }

  private static String existing(DataSpec spec) {
    String path = HadoopOpener.qualify(spec.path());
    try {
      HadoopOpener opener = new HadoopOpener();
      if (!opener.exists(path)) {
        throw BadInputException.of(spec.text(), "path not found", "an existing " + spec.kind().name().toLowerCase()
            + " file or directory", "nothing at " + path);
      }
      if (!opener.isDirectory(path)) {
        HadoopOpener.requireRegularFile(path); // a FIFO would block the reader forever
      }
    } catch (IOException e) {
      throw new BadInputException(spec.text() + ": cannot access " + path + ": " + e, e);
    }
    return path;
  }

  private static String directory(DataSpec spec) {
    String dir = existing(spec);
    try {
      if (!new HadoopOpener().isDirectory(dir)) {
        throw BadInputException.of(spec.text(), "not a directory", "a directory of "
            + (spec.kind() == DataSpec.Kind.IDX ? "IDX" : "CIFAR-10 batch") + " files", "a file");
      }
    } catch (IOException e) {
      throw new BadInputException(spec.text() + ": cannot access " + dir + ": " + e, e);
    }
    return dir.endsWith("/") ? dir : dir + "/";
  }

  private static Loaded idx(SparkSession spark, DataSpec spec, boolean test, Options o) {
    String dir = directory(spec);
    String images = firstExisting(dir, test ? IdxReader.TEST_IMAGES : IdxReader.TRAIN_IMAGES, spec);
    String labels = firstExisting(dir, test ? IdxReader.TEST_LABELS : IdxReader.TRAIN_LABELS, spec);
    HadoopOpener opener = new HadoopOpener();
    IdxReader.Pair pair = IdxReader.open(opener, images, labels);
    long[] counts = IdxReader.labelCounts(opener, pair.labels());
    Map<Double, Long> byLabel = new HashMap<>();
    for (int v = 0; v < counts.length; v++) {
      if (counts[v] > 0) {
        byLabel.put((double) v, counts[v]);
      }
    }
    int features = pair.features();
    CursorFactory cursors = (from, to) -> IdxReader.cursor(opener, pair, (int) from, (int) to);
    Dataset<Row> frame = imageFrame(spark, pair.count(), o.partitions(), features, cursors);
    return new Loaded(frame, features, null, byLabel, new int[] {pair.rows(), pair.cols()});
  }

  private static String firstExisting(String dir, String[] names, DataSpec spec) {
    HadoopOpener opener = new HadoopOpener();
    try {
      for (String name : names) {
        if (opener.exists(dir + name)) {
          return dir + name;
        }
      }
    } catch (IOException e) {
      throw new BadInputException(spec.text() + ": cannot list " + dir + ": " + e, e);
    }
    throw BadInputException.of(spec.text(), "IDX file missing", "one of " + Arrays.toString(names) + " in " + dir,
        "none of them");
  }

  private static Loaded cifar(SparkSession spark, DataSpec spec, boolean test, Options o) {
    String dir = directory(spec);
    List<String> paths = new ArrayList<>();
    for (String name : test ? CifarReader.TEST_FILES : CifarReader.TRAIN_FILES) {
      paths.add(dir + name);
    }
    HadoopOpener opener = new HadoopOpener();
    CifarReader.Batches batches = CifarReader.open(opener, paths);
    CursorFactory cursors = (from, to) -> CifarReader.cursor(opener, batches, from, to);
    Dataset<Row> frame = imageFrame(spark, batches.total(), o.partitions(), CifarReader.PIXELS, cursors);
    return new Loaded(frame, CifarReader.PIXELS, Labels.classes(CifarReader.CLASSES), null, new int[] {3, 32, 32});
  }

  private static Loaded synthetic(SparkSession spark, boolean test, Options o) {
    long count = test ? Synthetic.TEST_ROWS : Synthetic.TRAIN_ROWS;
    long offset = test ? Synthetic.TEST_OFFSET : 0;
    long seed = o.seed();
    JavaRDD<Row> rows = ranges(spark, count, o.partitions()).flatMap(range -> {
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
    return new Loaded(spark.createDataFrame(rows, IMAGE_SCHEMA), Synthetic.FEATURES,
        Labels.classes(Synthetic.CLASSES), null, new int[] {Synthetic.SIDE, Synthetic.SIDE});
  }

  /** Opens a cursor over rows [from, to) inside a task. */
  @FunctionalInterface
  interface CursorFactory extends Serializable {
    RowCursor open(long from, long to);
  }

  /** P contiguous row ranges of {@code count} rows, one per partition (only the ranges are shipped). */
  private static JavaRDD<long[]> ranges(SparkSession spark, long count, int partitions) {
    List<long[]> ranges = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      ranges.add(new long[] {count * p / partitions, count * (p + 1) / partitions});
    }
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ranges, partitions);
  }

  private static Dataset<Row> imageFrame(SparkSession spark, long count, int partitions, int features,
      CursorFactory cursors) {
    JavaRDD<Row> rows = ranges(spark, count, partitions).flatMap(range -> {
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
    return spark.createDataFrame(rows, IMAGE_SCHEMA);
  }

  private static Loaded libsvm(SparkSession spark, DataSpec spec, Options o) {
    String path = existing(spec);
    var reader = spark.read().format("libsvm");
    if (o.numFeatures() > 0) {
      reader = reader.option("numFeatures", Integer.toString(o.numFeatures()));
    }
    Dataset<Row> frame = reader.load(path);
    int features = AttributeGroup.fromStructField(frame.schema().apply(FEATURES)).size();
    if (features <= 0) {
      throw BadInputException.of(spec.text(), "no features", "at least one feature index", "none");
    }
    return new Loaded(repartition(frame, o.partitions()), features, null, null, null);
  }

  private static Dataset<Row> parquet(SparkSession spark, DataSpec spec) {
    String path = existing(spec);
    try {
      return spark.read().parquet(path);
    } catch (Exception e) { // AnalysisException is checked, undeclared
      if (e instanceof org.apache.spark.SparkThrowable t && "UNABLE_TO_INFER_SCHEMA".equals(t.getCondition())) {
        throw BadInputException.of(spec.text(), "no Parquet data", "a Parquet file or a directory of Parquet files",
            "no Parquet files at " + path);
      }
      throw e;
    }
  }

  /** Spark's name for the raw text of a CSV line its parser rejected. */
  static final String CORRUPT = "_corrupt_record";

  /**
   * CSV with a header: every column is read as a number with Spark's CSV reader, given that
   * schema (no inference pass) plus the corrupt-record column. Spark then flags a line with a
   * field that is not a number or with more or fewer fields than the header; {@link CsvRowCheck}
   * turns the first such line, an empty cell or a NaN into a one-line error naming the column.
   * The check is part of the label column, which every pass over the data reads, and it takes
   * the whole row, so Spark parses whole lines (no column pruning) in the same pass; no extra one.
   */
  private static Loaded csv(SparkSession spark, DataSpec spec, Options o) {
    String path = existing(spec);
    String[] header = spark.read().option("header", "true").csv(path).columns(); // reads the first line only
    if (header.length == 0) {
      throw BadInputException.of(spec.text(), "no CSV header", "a first line naming the columns", "an empty file");
    }
    StructType schema = new StructType();
    for (String name : header) {
      schema = schema.add(name, DataTypes.DoubleType, true);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType, true);
    Dataset<Row> raw = spark.read().schema(schema).option("header", "true").option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT).csv(path);
    List<String> names = Arrays.asList(header);
    if (!names.contains(o.labelCol())) {
      throw BadInputException.of(spec.text(), "label column missing", "a column named '" + o.labelCol()
          + "' (--label-col)", "columns " + names);
    }
    org.apache.spark.sql.Column[] all = new org.apache.spark.sql.Column[header.length + 1];
    for (int i = 0; i < header.length; i++) {
      all[i] = col("`" + header[i].replace("`", "``") + "`");
    }
    all[header.length] = col(CORRUPT);
    org.apache.spark.sql.expressions.UserDefinedFunction check = org.apache.spark.sql.functions.udf(
        new CsvRowCheck(spec.text(), Path.of(spec.path()).getFileName() + "", header, names.indexOf(o.labelCol())),
        DataTypes.DoubleType);
    @SuppressWarnings("deprecation") // input_file_name: the file of each row, for messages
    org.apache.spark.sql.Column file = org.apache.spark.sql.functions.input_file_name();
    Dataset<Row> checked = raw.withColumn(o.labelCol(), check.apply(org.apache.spark.sql.functions.struct(all), file))
        .drop(CORRUPT);
    return table(spark, spec, checked, o);
  }

  /**
   * {@code raw} with its features as one ML vector column {@code features_v}, and the columns that
   * were assembled into it (null when there was a features column).
   */
  record FeatureColumn(Dataset<Row> frame, String[] assembled) {}

  /**
   * The features of a table: the column {@code featuresCol} when there is one (an ML vector, or an
   * array of numbers; a null array stays null for the row checks to report), else every numeric
   * column except {@code excluded} (nulls in it are ignored), assembled by MLlib's VectorAssembler
   * ("keep": an empty cell becomes NaN, which the row checks report). Shared by training's and
   * scoring's readers, so both take the same columns as features.
   */
  static FeatureColumn featureColumn(DataSpec spec, Dataset<Row> raw, String featuresCol, List<String> excluded) {
    List<String> columns = Arrays.asList(raw.columns());
    if (columns.contains(featuresCol)) {
      StructField field = raw.schema().apply(featuresCol);
      org.apache.spark.sql.Column vector;
      if (field.dataType() instanceof ArrayType array && array.elementType() instanceof NumericType) {
        // array_to_vector fails on a null array: null stays null, for the row checks to report
        vector = org.apache.spark.sql.functions.when(col(featuresCol).isNotNull(),
            org.apache.spark.ml.functions.array_to_vector(col(featuresCol)));
      } else if (field.dataType().equals(SQLDataTypes.VectorType())) {
        vector = col(featuresCol);
      } else {
        throw BadInputException.of(spec.text(), "features column has the wrong type",
            "an ML vector or an array of numbers in '" + featuresCol + "'", field.dataType().simpleString());
      }
      return new FeatureColumn(raw.withColumn(FEATURES + "_v", vector), null);
    }
    List<String> numeric = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      if (f.dataType() instanceof NumericType && !excluded.contains(f.name())) {
        numeric.add(f.name());
      }
    }
    if (numeric.isEmpty()) {
      throw BadInputException.of(spec.text(), "no feature columns", "a vector column '" + featuresCol
          + "' (--features-col) or numeric columns besides " + String.join(", ", excluded.stream()
              .filter(java.util.Objects::nonNull).toList()), "columns " + columns);
    }
    String[] assembled = numeric.toArray(new String[0]);
    return new FeatureColumn(new VectorAssembler().setInputCols(assembled).setOutputCol(FEATURES + "_v")
        .setHandleInvalid("keep").transform(raw), assembled);
  }

  /** Parquet, CSV or a DataFrame: picks the label, features (or assembles numeric columns) and weight columns. */
  private static Loaded table(SparkSession spark, DataSpec spec, Dataset<Row> raw, Options o) {
    List<String> columns = Arrays.asList(raw.columns());
    if (!columns.contains(o.labelCol())) {
      throw BadInputException.of(spec.text(), "label column missing", "a column named '" + o.labelCol()
          + "' (--label-col)", "columns " + columns);
    }
    if (o.weightCol() != null && !columns.contains(o.weightCol())) {
      throw BadInputException.of(spec.text(), "weight column missing", "a column named '" + o.weightCol()
          + "' (--weight-col)", "columns " + columns);
    }
    requireNumbers(spec, raw.schema().apply(o.labelCol()), "label");
    if (o.weightCol() != null) {
      requireNumbers(spec, raw.schema().apply(o.weightCol()), "weight");
    }
    FeatureColumn fc = featureColumn(spec, raw, o.featuresCol(), Arrays.asList(o.labelCol(), o.weightCol()));
    Dataset<Row> withFeatures = fc.frame();
    String[] assembled = fc.assembled();
    StructField vectorField = withFeatures.schema().apply(FEATURES + "_v");
    int features = AttributeGroup.fromStructField(vectorField).size();
    if (features <= 0) {
      List<Row> first = withFeatures.select(FEATURES + "_v").limit(1).collectAsList();
      if (first.isEmpty()) {
        throw BadInputException.of(spec.text(), "no rows", "at least one row", "empty data");
      }
      if (first.get(0).isNullAt(0)) {
        throw BadInputException.of(spec.text() + ", first row", "missing features",
            "numbers in '" + o.featuresCol() + "'", "null");
      }
      features = ((Vector) first.get(0).get(0)).size();
    }
    org.apache.spark.sql.Column label = col(o.labelCol()).cast(DataTypes.DoubleType);
    org.apache.spark.sql.expressions.UserDefinedFunction featureCheck = org.apache.spark.sql.functions.udf(
        new FeatureCheck(spec.text(), assembled == null ? o.featuresCol() : null, assembled, features),
        SQLDataTypes.VectorType());
    List<org.apache.spark.sql.Column> select = new ArrayList<>();
    select.add(label.as(LABEL));
    // the label is an argument of the check: for CSV, the row check (inside the label) reports a bad line first
    select.add(featureCheck.apply(col(FEATURES + "_v"), label).as(FEATURES, vectorField.metadata()));
    if (o.weightCol() != null) {
      select.add(col(o.weightCol()).cast(DataTypes.DoubleType).as(WEIGHT));
    }
    Dataset<Row> frame = repartition(withFeatures.select(select.toArray(new org.apache.spark.sql.Column[0])),
        o.partitions());
    return new Loaded(frame, features, null, null, null);
  }

  private static void requireNumbers(DataSpec spec, StructField field, String what) {
    if (!(field.dataType() instanceof NumericType)) {
      throw BadInputException.of(spec.text(), what + " column has the wrong type", "numbers in '" + field.name() + "'",
          field.dataType().simpleString());
    }
  }

  /**
   * Checks each row's features inside the tasks, as part of the features column: present, of
   * the first row's length d, finite. Returns the vector unchanged.
   */
  static final class FeatureCheck implements org.apache.spark.sql.api.java.UDF2<Vector, Double, Vector> {
    private static final long serialVersionUID = 1L;
    private final String where;
    private final String column;
    private final String[] columns;
    private final int d;

    /** {@code column}: the vector column's name, or null when {@code columns} were assembled into it. */
    FeatureCheck(String where, String column, String[] columns, int d) {
      this.where = where;
      this.column = column;
      this.columns = columns;
      this.d = d;
    }

    @Override
    public Vector call(Vector v, Double label) {
      String row = "row with label " + (label == null ? "null" : Labels.format(label));
      if (v == null) {
        throw BadInputException.of(where + ", " + row, "missing features", d + " numbers in '" + column + "'", "null");
      }
      if (v.size() != d) {
        throw BadInputException.of(where + ", " + row, "rows of different lengths in '" + column + "'",
            d + " features in every row (as in the first)", v.size() + " features");
      }
      double[] values = v instanceof org.apache.spark.ml.linalg.SparseVector sv ? sv.values() : v.toArray();
      for (int i = 0; i < values.length; i++) {
        if (!Double.isFinite(values[i])) {
          int index = v instanceof org.apache.spark.ml.linalg.SparseVector sv ? sv.indices()[i] : i;
          boolean empty = Double.isNaN(values[i]) && columns != null;
          String at = columns != null ? "column '" + columns[index] + "'" : "'" + column + "' index " + index;
          throw BadInputException.of(where + ", " + row + ", " + at, empty ? "missing or non-finite value"
              : "non-finite feature value", "a finite number", empty ? "an empty cell or NaN" : Double.toString(values[i]));
        }
      }
      return v;
    }
  }

  private static Dataset<Row> repartition(Dataset<Row> frame, int partitions) {
    return frame.rdd().getNumPartitions() == partitions ? frame : frame.repartition(partitions);
  }
}
