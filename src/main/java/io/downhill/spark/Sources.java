package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.CifarReader;
import io.downhill.data.DataSpec;
import io.downhill.data.IdxReader;
import io.downhill.data.Labels;
import io.downhill.data.Synthetic;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.col;

/**
 * Reads a {@link DataSpec} into a DataFrame with the standard columns {@code row_id} (long: the
 * row's position in the input), {@code label} (double), {@code features} (ML vector) and
 * optionally {@code weight} (double). Partition p of P holds the rows at positions
 * {@code [p·N/P, (p+1)·N/P)}, in order: where a row goes depends on its position only, never on
 * what it holds ({@link RowPositions}).
 *
 * <p>IDX, CIFAR-10 and the synthetic dataset are read <i>inside the tasks</i> ({@link RangeRows}):
 * the driver only validates headers and hands each partition a row range, so no data is shipped
 * from the driver. LIBSVM goes through Spark's own {@code libsvm} data source, Parquet and CSV
 * through Spark's readers (a row's position: files in path order, rows in file order); columns of
 * numbers are assembled into a vector by MLlib's {@code VectorAssembler} ({@link FeatureColumn})
 * and checked in the tasks ({@link FeatureCheck}, {@link CsvRowCheck}).
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
   * columns to assemble: the columns are picked as for Parquet and CSV. A row's position is its
   * place in the DataFrame: its partitions in order, each one's rows in order.
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
    JavaRDD<Row> rows = RangeRows.read(spark, pair.count(), o.partitions(), features,
        (from, to) -> IdxReader.cursor(opener, pair, (int) from, (int) to));
    Dataset<Row> frame = spark.createDataFrame(rows, IMAGE_SCHEMA);
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
    JavaRDD<Row> rows = RangeRows.read(spark, batches.total(), o.partitions(), CifarReader.PIXELS,
        (from, to) -> CifarReader.cursor(opener, batches, from, to));
    Dataset<Row> frame = spark.createDataFrame(rows, IMAGE_SCHEMA);
    return new Loaded(frame, CifarReader.PIXELS, Labels.classes(CifarReader.CLASSES), null, new int[] {3, 32, 32});
  }

  private static Loaded synthetic(SparkSession spark, boolean test, Options o) {
    long count = test ? Synthetic.TEST_ROWS : Synthetic.TRAIN_ROWS;
    long offset = test ? Synthetic.TEST_OFFSET : 0;
    JavaRDD<Row> rows = RangeRows.synthetic(spark, count, offset, o.partitions(), o.seed());
    return new Loaded(spark.createDataFrame(rows, IMAGE_SCHEMA), Synthetic.FEATURES,
        Labels.classes(Synthetic.CLASSES), null, new int[] {Synthetic.SIDE, Synthetic.SIDE});
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
    Dataset<Row> placed = RowPositions.placed(spark, RowPositions.inFiles(frame, spec, ROW_ID), o.partitions());
    return new Loaded(placed, features, null, null, null);
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
    FeatureColumn fc = FeatureColumn.of(spec, raw, o.featuresCol(), Arrays.asList(o.labelCol(), o.weightCol()));
    Dataset<Row> withFeatures = fc.frame();
    String[] assembled = fc.assembled();
    StructField vectorField = withFeatures.schema().apply(FeatureColumn.NAME);
    int features = AttributeGroup.fromStructField(vectorField).size();
    if (features <= 0) {
      List<Row> first = withFeatures.select(FeatureColumn.NAME).limit(1).collectAsList();
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
    select.add(featureCheck.apply(col(FeatureColumn.NAME), label).as(FEATURES, vectorField.metadata()));
    if (o.weightCol() != null) {
      select.add(col(o.weightCol()).cast(DataTypes.DoubleType).as(WEIGHT));
    }
    Dataset<Row> selected = withFeatures.select(select.toArray(new org.apache.spark.sql.Column[0]));
    RowPositions.Numbered numbered = spec.kind() == DataSpec.Kind.DATAFRAME
        ? RowPositions.inFrame(selected, spec.text(), ROW_ID) : RowPositions.inFiles(selected, spec, ROW_ID);
    return new Loaded(RowPositions.placed(spark, numbered, o.partitions()), features, null, null, null);
  }

  private static void requireNumbers(DataSpec spec, StructField field, String what) {
    if (!(field.dataType() instanceof NumericType)) {
      throw BadInputException.of(spec.text(), what + " column has the wrong type", "numbers in '" + field.name() + "'",
          field.dataType().simpleString());
    }
  }
}
