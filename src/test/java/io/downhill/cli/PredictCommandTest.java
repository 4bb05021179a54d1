package io.downhill.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.data.DataSpec;
import io.downhill.spark.Sources;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code downhill predict} end to end, in-process: a model trained here (1 epoch, standardized, so
 * the saved PipelineModel has a preprocessing stage) scores IDX, Parquet, CSV and LIBSVM data; the
 * output is read back with Spark and compared row by row with {@code PipelineModel.transform}.
 */
class PredictCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int D = 36;
  private static final int K = 4;
  private static final int TEST_ROWS = 300;
  @TempDir
  static Path dir;
  static Path idx;
  static Path run;
  static SparkSession spark;
  /** row_id of the IDX test split -> the saved pipeline's prediction and probabilities, by Spark ML itself. */
  static Map<Long, Row> reference = new HashMap<>();

  @BeforeAll
  static void setUp() throws IOException {
    spark = TestSpark.session(); // the commands reuse the test session instead of starting their own
    idx = DataFiles.idxDirectory(dir.resolve("idx"), 1200, TEST_ROWS, 6, 6, K, true);
    run = dir.resolve("run");
    Cli t = Cli.run("train", "--data", "idx:" + idx, "--epochs", "1", "--batch-size", "64", "--lr", "0.5",
        "--preprocess", "standardize", "--out", run.toString());
    assertEquals(0, t.code(), t.toString());
    PipelineModel model = PipelineModel.load(run.resolve("model").toUri().toString());
    for (Row r : model.transform(testFrame()).select(Sources.ROW_ID, "prediction", "probability", "rawPrediction")
        .collectAsList()) {
      reference.put(r.getLong(0), r);
    }
    assertEquals(TEST_ROWS, reference.size());
  }

  /** The IDX test split as the readers give it: row_id, label, features; 3 partitions of consecutive rows. */
  private static Dataset<Row> testFrame() {
    return Sources.read(spark, DataSpec.parse("idx:" + idx, List.of()), true,
        new Sources.Options(3, 0, "label", "features", null, 0L)).frame();
  }

  private static Cli predict(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("predict", "--model", run.toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(new String[0]));
  }

  /** Asserts prediction, class name and probabilities of each row against the reference, by row id. */
  private static void assertMatchesReference(List<Row> rows, String idCol, boolean csv) {
    assertEquals(TEST_ROWS, rows.size());
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (Row r : rows) {
      Object idValue = r.getAs(idCol);
      long id = idValue instanceof String s ? Long.parseLong(s.substring(1)) : ((Number) idValue).longValue();
      assertTrue(seen.add(id), "row id " + id + " twice");
      Row want = reference.get(id);
      int prediction = r.getAs("prediction");
      assertEquals((int) want.getDouble(1), prediction, "row " + id);
      assertEquals(Integer.toString(prediction), r.getAs("class_name"));
      double[] p = ((Vector) want.get(2)).toArray();
      double[] raw = ((Vector) want.get(3)).toArray();
      double sum = 0;
      for (int c = 0; c < K; c++) {
        double got = csv ? r.<Double>getAs("prob_" + c) : r.<scala.collection.Seq<Double>>getAs("probability").apply(c);
        double gotRaw = csv ? r.<Double>getAs("raw_" + c) : r.<scala.collection.Seq<Double>>getAs("raw_scores").apply(c);
        assertEquals(p[c], got, 1e-12, "row " + id + " class " + c);
        assertEquals(raw[c], gotRaw, 1e-12, "row " + id + " class " + c);
        sum += got;
      }
      assertEquals(1.0, sum, 1e-9, "probabilities of row " + id);
    }
  }

  private static long[] referenceCounts() {
    long[] counts = new long[K];
    reference.values().forEach(r -> counts[(int) r.getDouble(1)]++);
    return counts;
  }

  private static void assertSummary(Path out, String format, String idCol) throws IOException {
    JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals("predict", s.get("command").asText());
    assertEquals(format, s.get("format").asText());
    assertEquals(idCol, s.get("id_column").asText());
    assertEquals(TEST_ROWS, s.get("rows").asLong());
    assertEquals(run.resolve("model").toAbsolutePath().toString(), s.get("model").asText());
    long[] counts = referenceCounts();
    assertEquals(K, s.get("predicted").size());
    for (int c = 0; c < K; c++) {
      assertEquals(counts[c], s.get("predicted").get(c).get("rows").asLong(), "class " + c + ": " + s);
    }
    assertTrue(s.get("seconds").asDouble() > 0);
  }

  private static void assertNothingAt(Path out) throws IOException {
    assertFalse(Files.exists(out), out + " was written");
    Outputs.assertNoPartialSiblings(out);
  }

  @Test
  void idxTestSplitIsScoredAsTheSavedPipelineModelScoresIt() throws IOException {
    Path out = dir.resolve("idx-out");
    Cli c = predict(out, "--data", "idx:" + idx);
    assertEquals(0, c.code(), c.toString());
    assertTrue(c.out().contains("predicted 300 rows of idx:"), c.out());
    Dataset<Row> written = spark.read().parquet(out.resolve("predictions").toString());
    assertEquals(List.of("row_id", "prediction", "class_name", "probability", "raw_scores"),
        List.of(written.columns()));
    assertMatchesReference(written.collectAsList(), "row_id", false);
    assertSummary(out, "parquet", "row_id");
    assertEquals("test", JSON.readTree(out.resolve("summary.json").toFile()).get("split").asText());

    Path train = dir.resolve("idx-train-out");
    Cli t = predict(train, "--data", "idx:" + idx, "--split", "train");
    assertEquals(0, t.code(), t.toString());
    assertEquals(1200, spark.read().parquet(train.resolve("predictions").toString()).count());
  }

  @Test
  void parquetWithoutLabelsCarriesItsIdColumn() throws IOException {
    Path data = dir.resolve("nolabels.parquet");
    testFrame().select(concat(lit("r"), col(Sources.ROW_ID).cast("string")).as("key"), col("features"))
        .write().parquet(data.toUri().toString());
    Path out = dir.resolve("parquet-out");
    Cli c = predict(out, "--data", "parquet:" + data, "--id-col", "key");
    assertEquals(0, c.code(), c.toString());
    Dataset<Row> written = spark.read().parquet(out.resolve("predictions").toString());
    assertEquals("key", written.columns()[0]);
    assertMatchesReference(written.collectAsList(), "key", false);
    assertSummary(out, "parquet", "key");
  }

  /**
   * CSV in, CSV out, no id column: row_id is the row's position in the input (files in path
   * order), whatever the splits: here 3 files cut into 4 KB splits, which Spark packs out of order.
   */
  @Test
  void csvRowNumbersAreFilePositionsAndCsvOutputFlattensTheVectors() throws IOException {
    Path data = dir.resolve("columns.csv");
    List<Column> cells = new ArrayList<>();
    cells.add(concat(lit("r"), col(Sources.ROW_ID).cast("string")).as("tag")); // a string: not a feature
    Column values = org.apache.spark.ml.functions.vector_to_array(col("features"), "float64");
    for (int j = 0; j < D; j++) {
      cells.add(values.getItem(j).as("f" + j));
    }
    testFrame().select(cells.toArray(new Column[0])).write().option("header", "true").csv(data.toUri().toString());
    try (Stream<Path> parts = Files.list(data)) {
      assertEquals(3, parts.filter(p -> p.getFileName().toString().endsWith(".csv")).count());
    }
    Path out = dir.resolve("csv-out");
    String before = spark.conf().get("spark.sql.files.maxPartitionBytes");
    spark.conf().set("spark.sql.files.maxPartitionBytes", "4096");
    Cli c;
    try { // small splits: Spark packs them by size, so a numbering in Spark's read order would differ from the file's
      c = predict(out, "--data", "csv:" + data, "--format", "csv");
    } finally {
      spark.conf().set("spark.sql.files.maxPartitionBytes", before);
    }
    assertEquals(0, c.code(), c.toString());
    Dataset<Row> written = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(out.resolve("predictions").toString());
    List<String> columns = new ArrayList<>(List.of("row_id", "prediction", "class_name"));
    for (String prefix : new String[] {"prob_", "raw_"}) {
      for (int k = 0; k < K; k++) {
        columns.add(prefix + k);
      }
    }
    assertEquals(columns, List.of(written.columns()));
    // the CSV reader infers class_name "0".."3" as a number: compare it as text
    List<Row> rows = written.withColumn("class_name", col("class_name").cast("string")).collectAsList();
    assertMatchesReference(rows, "row_id", true);
    // the written rows are in IDX order (tag rN is IDX row N), so matching the reference by row_id above
    // means row_id is the CSV position (whether or not this run's Spark read the 4 KB splits in order)
    assertSummary(out, "csv", "row_id");
  }

  @Test
  void libsvmRowsAreNumberedInFileOrder() throws IOException {
    Path file = DataFiles.lines(dir.resolve("rows.libsvm"), List.of("0 1:0.5 3:1", "1 36:1", "0 2:0.25"));
    Path out = dir.resolve("libsvm-out");
    Cli c = predict(out, "--data", "libsvm:" + file);
    assertEquals(0, c.code(), c.toString());
    List<Row> rows = spark.read().parquet(out.resolve("predictions").toString()).orderBy("row_id").collectAsList();
    assertEquals(List.of(0L, 1L, 2L), rows.stream().map(r -> r.getLong(0)).toList());
    PipelineModel model = PipelineModel.load(run.resolve("model").toUri().toString());
    List<Row> want = model.transform(spark.read().format("libsvm").option("numFeatures", D).load(file.toString()))
        .select("prediction").collectAsList();
    for (int i = 0; i < 3; i++) {
      assertEquals((int) want.get(i).getDouble(0), rows.get(i).<Integer>getAs("prediction"), "line " + (i + 1));
    }
  }

  @Test
  void aRerunReplacesThePreviousOutput() throws IOException {
    Path out = dir.resolve("again");
    assertEquals(0, predict(out, "--data", "idx:" + idx).code());
    Cli c = predict(out, "--data", "idx:" + idx, "--format", "csv");
    assertEquals(0, c.code(), c.toString());
    try (Stream<Path> parts = Files.list(out.resolve("predictions"))) {
      List<String> names = parts.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")).toList();
      assertFalse(names.isEmpty());
      assertTrue(names.stream().allMatch(n -> n.endsWith(".csv")), "only the second run's files: " + names);
    }
    assertSummary(out, "csv", "row_id");
    Cli same = predict(out, "--data", "idx:" + idx, "--format", "csv");
    assertEquals(0, same.code(), same.toString());
    assertMatchesReference(spark.read().option("header", "true").option("inferSchema", "true")
        .csv(out.resolve("predictions").toString()).withColumn("class_name", col("class_name").cast("string"))
        .collectAsList(), "row_id", true);
    Outputs.assertNoPartialSiblings(out);
  }

  private static void assertBadInput(Cli c, Path out, String... expected) throws IOException {
    assertEquals(2, c.code(), c.toString());
    List<String> lines = c.err().lines().filter(l -> !l.isBlank() && l.startsWith("downhill")).toList();
    assertEquals(1, lines.size(), "one line: " + c.err());
    assertTrue(lines.get(0).startsWith("downhill: error: "), c.err());
    for (String e : expected) {
      assertTrue(lines.get(0).contains(e), "expected '" + e + "' in: " + lines.get(0));
    }
    assertNothingAt(out);
  }

  @Test
  void dataOfAnotherWidthIsExitTwoNamingBothWidthsAndWritesNothing() throws IOException {
    Path narrow = DataFiles.idxDirectory(dir.resolve("narrow"), 10, 20, 5, 6, K, true);
    assertBadInput(predict(dir.resolve("w1"), "--data", "idx:" + narrow), dir.resolve("w1"),
        "dimension mismatch", "36 features", "30 features");
    Path wide = dir.resolve("wide.parquet");
    spark.range(5).select(col("id"), org.apache.spark.sql.functions.array_repeat(lit(0.5), D + 2).as("features"))
        .write().parquet(wide.toUri().toString());
    assertBadInput(predict(dir.resolve("w2"), "--data", "parquet:" + wide, "--id-col", "id"), dir.resolve("w2"),
        "36 features", "38 features");
    Path wideLibsvm = DataFiles.lines(dir.resolve("wide.libsvm"), List.of("0 1:1", "1 40:1"));
    assertBadInput(predict(dir.resolve("w3"), "--data", "libsvm:" + wideLibsvm), dir.resolve("w3"),
        "36 features", "40 features");
  }

  @Test
  void badRowsAndFlagsAreExitTwoWithOneLine() throws IOException {
    Path ragged = dir.resolve("ragged.parquet");
    spark.range(4).select(col("id"), org.apache.spark.sql.functions.array_repeat(lit(0.5),
        org.apache.spark.sql.functions.when(col("id").equalTo(2), D - 1).otherwise(D).cast("int")).as("features"))
        .coalesce(1).write().parquet(ragged.toUri().toString());
    assertBadInput(predict(dir.resolve("b1"), "--data", "parquet:" + ragged, "--id-col", "id"), dir.resolve("b1"),
        "row 2", "35 features");
    Path missing = DataFiles.lines(dir.resolve("missing.csv"), missingCell());
    assertBadInput(predict(dir.resolve("b2"), "--data", "csv:" + missing), dir.resolve("b2"), "row 1",
        "invalid feature value");
    assertBadInput(predict(dir.resolve("b3"), "--data", "parquet:" + ragged, "--split", "train"), dir.resolve("b3"),
        "--split");
    assertBadInput(predict(dir.resolve("b4"), "--data", "idx:" + idx, "--format", "json"), dir.resolve("b4"),
        "--format");
    assertBadInput(predict(dir.resolve("b5"), "--data", "parquet:" + ragged, "--id-col", "nope"), dir.resolve("b5"),
        "id column missing");
    assertBadInput(predict(run.resolve("model").resolve("scores"), "--data", "idx:" + idx),
        run.resolve("model").resolve("scores"), "output overlaps an input");
    Cli onModel = predict(run, "--data", "idx:" + idx); // a success would replace the run folder, model and all
    assertEquals(2, onModel.code(), onModel.toString());
    assertTrue(onModel.err().contains("output overlaps an input"), onModel.err());
    assertTrue(Files.isDirectory(run.resolve("model/stages")));
    assertBadInput(predict(dir.resolve("b7"), "--data", "parquet:" + dir.resolve("b7").resolve("in.parquet")),
        dir.resolve("b7"), "output overlaps an input", "the data");
    assertBadInput(Cli.run("predict", "--model", dir.resolve("nomodel").toString(), "--data", "idx:" + idx, "--out",
        dir.resolve("b6").toString()), dir.resolve("b6"), "not a saved model");
  }

  /** A CSV of D numeric columns whose second row has an empty cell. */
  private static List<String> missingCell() {
    List<String> lines = new ArrayList<>();
    StringBuilder header = new StringBuilder();
    for (int j = 0; j < D; j++) {
      header.append(j == 0 ? "" : ",").append("f").append(j);
    }
    lines.add(header.toString());
    for (int r = 0; r < 3; r++) {
      StringBuilder row = new StringBuilder();
      for (int j = 0; j < D; j++) {
        row.append(j == 0 ? "" : ",").append(r == 1 && j == 7 ? "" : "0.5");
      }
      lines.add(row.toString());
    }
    return lines;
  }
}
