package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's bad data, through the command line: each case exits 2 with one line naming what,
 * where, expected and found (nothing written to --out), or, for valid input that was refused
 * (paths with a space, a literal %20 or a colon), trains and evaluates.
 */
class BadDataCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path dir;

  @BeforeAll
  static void setUp() {
    TestSpark.session();
  }

  private static Cli train(String data, Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data, "--epochs", "1", "--batch-size", "16",
        "--out", out.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(new String[0]));
  }

  /** Exit 2, one line on stderr with every fragment, no stack trace, nothing at {@code out}. */
  private static String refused(Cli c, Path out, String... fragments) {
    assertEquals(2, c.code(), c.toString());
    List<String> lines = c.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line: " + c.err());
    String line = lines.get(0);
    assertTrue(line.startsWith("downhill: error: "), line);
    for (String f : fragments) {
      assertTrue(line.contains(f), "'" + f + "' in: " + line);
    }
    assertTrue(line.chars().allMatch(ch -> ch >= 0x20), "printable: " + line);
    assertFalse(Files.exists(out), "nothing at --out");
    return line;
  }

  /** label,a,b: 40 learnable rows with two classes, {@code bad} replacing the row at index 20 when not null. */
  private static Path csv(String name, String bad) throws IOException {
    List<String> lines = new ArrayList<>(List.of("label,a,b"));
    for (int i = 0; i < 40; i++) {
      lines.add(i == 20 && bad != null ? bad : (i % 2) + "," + (i % 2 * 2 + 0.1 * (i % 5)) + "," + (i % 7));
    }
    return DataFiles.lines(dir.resolve(name), lines);
  }

  @Test
  void csvNonNumericCellNamesTheColumnAndValue() throws IOException {
    Path out = dir.resolve("out-cell");
    refused(train("csv:" + csv("cell.csv", "1,2.5,x7"), out), out, "csv:", "cell.csv, line 22, column 'b'",
        "value is not a number", "'x7'", "line \"1,2.5,x7\"");
  }

  @Test
  void csvExtraFieldIsRefused() throws IOException {
    Path out = dir.resolve("out-extra");
    refused(train("csv:" + csv("extra.csv", "1,2.5,3,4"), out), out, "extra.csv, line 22: wrong number of fields",
        "3 (as the header label,a,b)", "4 in line \"1,2.5,3,4\"");
  }

  @Test
  void csvShortRowIsRefused() throws IOException {
    Path out = dir.resolve("out-short");
    refused(train("csv:" + csv("short.csv", "1,2.5"), out), out, "short.csv, line 22: wrong number of fields",
        "2 in line \"1,2.5\"");
  }

  @Test
  void csvMissingValueNamesTheColumn() throws IOException {
    Path out = dir.resolve("out-missing");
    refused(train("csv:" + csv("missing.csv", "1,,3"), out), out, "missing.csv", "column 'a'", "missing value",
        "an empty cell (row: 1,,3)");
  }

  @Test
  void csvNaNIsRefused() throws IOException {
    Path out = dir.resolve("out-nan");
    refused(train("csv:" + csv("nan.csv", "1,NaN,3"), out), out, "nan.csv", "column 'a'", "not finite", "NaN");
  }

  @Test
  void csvNonNumericLabelNamesTheLabelColumn() throws IOException {
    Path out = dir.resolve("out-label");
    refused(train("csv:" + csv("label.csv", "cat,1,3"), out), out, "label.csv, line 22, column 'label'", "'cat'");
  }

  @Test
  void aTrainingSetOfOneClassIsRefusedWhicheverClassItIs() throws IOException {
    for (String label : new String[] {"0", "1"}) {
      List<String> lines = new ArrayList<>(List.of("label,a,b"));
      for (int i = 0; i < 30; i++) {
        lines.add(label + "," + i + "," + (i % 3));
      }
      Path file = DataFiles.lines(dir.resolve("only" + label + ".csv"), lines);
      Path out = dir.resolve("out-only" + label);
      refused(train("csv:" + file, out), out, "csv:" + file, "only one class", "at least 2 distinct labels",
          "only label " + label + " (");
    }
  }

  @Test
  void undefinedMetricsAreJsonNullNeverTheStringNaN() throws IOException {
    Path file = DataFiles.lines(dir.resolve("two.csv"), List.of("label,a", "0,1", "1,2"));
    Path out = dir.resolve("out-two");
    Cli c = train("csv:" + file, out, "--val-fraction", "0.01");
    assertEquals(0, c.code(), c.toString());
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(0, summary.get("val_rows").asLong(), "the case: an empty validation split");
    assertTrue(summary.get("val_accuracy").isNull(), summary.toString());
    assertTrue(summary.get("val_loss").isNull(), summary.toString());
    for (String f : new String[] {"summary.json", "metrics.jsonl"}) {
      assertFalse(Files.readString(out.resolve(f)).contains("NaN"), f + " has no NaN");
    }
  }

  @Test
  void numFeaturesIsRefusedForEveryFormatButLibsvm() throws IOException {
    Path idx = DataFiles.idxDirectory(dir.resolve("nf-idx"), 60, 20, 3, 3, 2, false);
    for (String data : new String[] {"idx:" + idx, "synthetic", "csv:" + csv("nf.csv", null)}) {
      Path out = dir.resolve("out-nf");
      refused(train(data, out, "--num-features", "10"), out, "--num-features 10", "does not apply", "LIBSVM",
          data);
    }
  }

  @Test
  void aHugeNumFeaturesIsRefusedBeforeAnythingIsAllocated() throws IOException {
    Path file = DataFiles.lines(dir.resolve("small.svm"), List.of("0 1:0.5", "1 2:0.5", "0 1:0.4", "1 2:0.6"));
    Path out = dir.resolve("out-huge");
    refused(train("libsvm:" + file, out, "--num-features", "2147483647"), out, "libsvm:" + file,
        "too many features", "2147483647 features", "driver heap");
  }

  @Test
  void aBinaryFileReadAsLibsvmShowsEscapedBytes() throws IOException {
    byte[] bytes = new byte[200];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 37);
    }
    bytes[0] = 0;
    Path file = dir.resolve("binary.svm");
    Files.write(file, bytes);
    Path out = dir.resolve("out-bin");
    String line = refused(train("libsvm:" + file, out), out, "binary.svm:1", "\\x00",
        "binary data, not LIBSVM text?");
    assertTrue(line.length() < 400, line);
  }

  // --- Parquet ---

  private static Path parquet(String name, StructType schema, List<Row> rows) {
    Path p = dir.resolve(name);
    TestSpark.session().createDataFrame(rows, schema).coalesce(1).write().parquet(p.toString());
    return p;
  }

  private static List<Row> arrays(java.util.function.IntFunction<Object> features) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(RowFactory.create((double) (i % 2), features.apply(i)));
    }
    return rows;
  }

  private static StructType arraySchema(org.apache.spark.sql.types.DataType element) {
    return new StructType().add("label", DataTypes.DoubleType).add("features", DataTypes.createArrayType(element));
  }

  @Test
  void parquetArrayOfStringsIsTheWrongType() {
    Path p = parquet("strings.parquet", arraySchema(DataTypes.StringType), arrays(i -> List.of("a", "b").toArray()));
    Path out = dir.resolve("out-pstr");
    refused(train("parquet:" + p, out), out, "parquet:" + p, "features column has the wrong type", "array<string>");
  }

  @Test
  void parquetRaggedArraysAreRefused() {
    Path p = parquet("ragged.parquet", arraySchema(DataTypes.DoubleType),
        arrays(i -> i == 17 ? new Double[] {1.0, 2.0, 3.0} : new Double[] {i % 2 + 0.1, 1.0}));
    Path out = dir.resolve("out-ragged");
    refused(train("parquet:" + p, out), out, "parquet:" + p, "rows of different lengths", "2 features in every row",
        "3 features");
  }

  @Test
  void parquetNullFeaturesAreRefused() {
    Path p = parquet("nulls.parquet", arraySchema(DataTypes.DoubleType),
        arrays(i -> i == 9 ? null : new Double[] {i % 2 + 0.1, 1.0}));
    Path out = dir.resolve("out-pnull");
    refused(train("parquet:" + p, out), out, "parquet:" + p, "missing features", "null");
  }

  @Test
  void parquetStringLabelIsTheWrongType() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      rows.add(RowFactory.create(i % 2 == 0 ? "cat" : "dog", new Double[] {1.0, 2.0}));
    }
    StructType schema = new StructType().add("label", DataTypes.StringType)
        .add("features", DataTypes.createArrayType(DataTypes.DoubleType));
    Path p = parquet("strlabel.parquet", schema, rows);
    Path out = dir.resolve("out-plabel");
    refused(train("parquet:" + p, out), out, "parquet:" + p, "label column has the wrong type", "string");
  }

  @Test
  void anEmptyParquetDirectoryIsRefused() throws IOException {
    Path p = Files.createDirectories(dir.resolve("empty.parquet"));
    Path out = dir.resolve("out-pempty");
    refused(train("parquet:" + p, out), out, "parquet:" + p, "no Parquet data");
  }

  // --- IDX ---

  @Test
  void idxHeaderWhoseImageSizeOverflowsIsRefused() throws IOException {
    Path idx = DataFiles.idxDirectory(dir.resolve("overflow"), 60, 20, 3, 3, 2, false);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0x00000803);
    d.writeInt(60);
    d.writeInt(65536);
    d.writeInt(65536);
    Files.write(idx.resolve("train-images-idx3-ubyte"), b.toByteArray());
    Path out = dir.resolve("out-overflow");
    refused(train("idx:" + idx, out), out, "train-images-idx3-ubyte", "items too large", "65536 x 65536 = 4294967296");
  }

  @Test
  void idxFileThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
    Path idx = DataFiles.idxDirectory(dir.resolve("fifo"), 60, 20, 3, 3, 2, false);
    Path images = idx.resolve("train-images-idx3-ubyte");
    Files.delete(images);
    Process mkfifo = new ProcessBuilder("mkfifo", images.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    Path out = dir.resolve("out-fifo");
    Cli c = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> train("idx:" + idx, out));
    refused(c, out, "train-images-idx3-ubyte", "not a data file",
        "expected a regular file, found a FIFO, socket or device");
  }

  // --- valid paths that were refused ---

  @Test
  void pathsWithASpaceAPercentOrAColonWorkForEveryFormat() throws IOException {
    // one folder holding all three: a space, a percent escape that must stay literal, and a colon
    String folder = "a b%20c:d";
    Path base = Files.createDirectories(dir.resolve("paths").resolve(folder));
    Path idx = DataFiles.idxDirectory(base.resolve("idx"), 80, 20, 3, 3, 2, false);
    Path cifar = DataFiles.cifarDirectory(base.resolve("cifar"), 4, 4);
    Path svm = DataFiles.lines(base.resolve("t.svm"), List.of("0 1:0.5", "1 2:0.5", "0 1:0.4", "1 2:0.6",
        "0 1:0.3", "1 2:0.7", "0 1:0.45", "1 2:0.55"));
    Path csv = csv("c.csv", null);
    Files.copy(csv, base.resolve("c.csv"));
    Path parquet = base.resolve("p.parquet");
    TestSpark.session().read().option("header", "true").option("inferSchema", "true").csv(csv.toString())
        .write().parquet(parquet.toString());
    String[] specs = {"idx:" + idx, "cifar10:" + cifar, "libsvm:" + svm, "csv:" + base.resolve("c.csv"),
        "parquet:" + parquet};
    for (String spec : specs) {
      Path out = base.resolve("run " + spec.substring(0, spec.indexOf(':')));
      Cli c = train(spec, out, "--val-fraction", "0");
      assertEquals(0, c.code(), folder + " " + spec + ": " + c);
      assertTrue(Files.isDirectory(out.resolve("model")), folder + " " + spec + ": model/ where asked");
      Cli e = Cli.run("evaluate", "--model", out.toString(), "--data", spec, "--out",
          base.resolve("eval.json").toString());
      assertEquals(0, e.code(), folder + " evaluate " + spec + ": " + e);
    }
    Path bad = base.resolve("bad.csv");
    Files.copy(csv("cell.csv", "1,2.5,x7"), bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    refused(train("csv:" + bad, base.resolve("bad-out"), "--val-fraction", "0"), base.resolve("bad-out"),
        "csv:" + bad + ", line 22, column 'b'");
  }
}
