package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged saved model, and evaluate's bad inputs: exit 2 and one line naming the file (or the
 * widths and classes). One model is trained once (StandardScaler + Downhill stage, 36 features, 4
 * classes); each case damages a copy of its folder.
 */
class ModelIntegrityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path dir;
  static Path idx;
  static Path model;

  @BeforeAll
  static void trainOnce() throws IOException {
    TestSpark.session();
    idx = DataFiles.idxDirectory(dir.resolve("idx"), 400, 200, 6, 6, 4, true);
    Path run = dir.resolve("run");
    Cli t = Cli.run("train", "--data", "idx:" + idx, "--epochs", "1", "--batch-size", "64", "--lr", "0.5",
        "--preprocess", "standardize", "--out", run.toString());
    assertEquals(0, t.code(), t.toString());
    model = run.resolve("model");
  }

  // ---- helpers

  /** A fresh copy of the trained model folder (with Hadoop's .crc side files). */
  private static Path copy(String name) throws IOException {
    Path to = dir.resolve("cases").resolve(name);
    try (Stream<Path> s = Files.walk(model)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(model.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  private static Path stage(Path m, String prefix) throws IOException {
    try (Stream<Path> s = Files.list(m.resolve("stages"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
    }
  }

  /** The first part-* file in {@code folder}. */
  private static Path part(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
    }
  }

  private static Path crcOf(Path file) {
    return file.resolveSibling("." + file.getFileName() + ".crc");
  }

  /** Flips every bit of the middle byte; the .crc side file is kept (a ChecksumException on read) or removed. */
  private static void flip(Path file, boolean keepCrc) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= (byte) 0xFF;
    Files.write(file, b);
    if (!keepCrc) {
      Files.delete(crcOf(file));
    }
  }

  private static void truncate(Path file, boolean keepCrc) throws IOException {
    byte[] b = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
    if (!keepCrc) {
      Files.delete(crcOf(file));
    }
  }

  /** Edits Spark's one-line JSON metadata with Jackson; the stale .crc is removed, as an editor would leave it. */
  private static void editJson(Path file, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode json = (ObjectNode) JSON.readTree(file.toFile());
    edit.accept(json);
    Files.writeString(file, JSON.writeValueAsString(json));
    Files.deleteIfExists(crcOf(file));
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /**
   * Rewrites the Downhill stage's Parquet row: {@code drop} fields left out of the schema (the
   * format before them), {@code set} fields given new values (a list for repeated fields).
   * Written through Hadoop's local file system, so the .crc side file matches the new bytes.
   */
  private static void rewriteRow(Path part, List<String> drop, Map<String, List<?>> set) throws IOException {
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(part.toUri());
    Group g;
    MessageType schema;
    try (ParquetFileReader f = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
      schema = f.getFooter().getFileMetaData().getSchema();
    }
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
      g = r.read();
    }
    List<Type> fields = new ArrayList<>(schema.getFields());
    fields.removeIf(t -> drop.contains(t.getName()));
    MessageType to = new MessageType(schema.getName(), fields);
    Group out = new SimpleGroupFactory(to).newGroup();
    for (Type t : fields) {
      String name = t.getName();
      if (set.containsKey(name)) {
        for (Object v : set.get(name)) {
          if (v instanceof String s) {
            out.add(name, s);
          } else if (v instanceof Integer i) {
            out.add(name, i);
          } else {
            throw new IllegalArgumentException(name);
          }
        }
      } else {
        copyField(g, out, name);
      }
    }
    Files.delete(part);
    Files.deleteIfExists(crcOf(part));
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(path, conf)).withConf(conf)
        .withType(to).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
      w.write(out);
    }
  }

  private static void copyField(Group from, Group to, String name) {
    GroupType type = from.getType();
    Type t = type.getType(name);
    for (int i = 0; i < from.getFieldRepetitionCount(name); i++) {
      if (!t.isPrimitive()) {
        Group src = from.getGroup(name, i);
        Group dst = to.addGroup(name);
        for (Type sub : src.getType().getFields()) {
          copyField(src, dst, sub.getName());
        }
        continue;
      }
      switch (t.asPrimitiveType().getPrimitiveTypeName()) {
        case INT32 -> to.add(name, from.getInteger(name, i));
        case DOUBLE -> to.add(name, from.getDouble(name, i));
        case BOOLEAN -> to.add(name, from.getBoolean(name, i));
        default -> to.add(name, from.getString(name, i));
      }
    }
  }

  /** The model as saved before the manifest and the row checksum existed. */
  private static Path oldFormat(String name) throws IOException {
    Path m = copy(name);
    rewriteRow(part(stage(m, "1_downhill").resolve("data")), List.of("files", "checksum"), Map.of());
    return m;
  }

  private static Cli evaluate(Path m, String... extra) {
    List<String> args = new ArrayList<>(List.of("evaluate", "--model", m.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(new String[0]));
  }

  /** Exit 2 and exactly one line on stderr, containing every one of {@code parts}. */
  private static String assertBad(Cli c, String... parts) {
    assertEquals(2, c.code(), c.toString());
    List<String> lines = c.err().lines().toList();
    assertEquals(1, lines.size(), c.toString());
    for (String p : parts) {
      assertTrue(lines.get(0).contains(p), "'" + p + "' not in: " + lines.get(0));
    }
    System.out.println("ModelIntegrityTest: exit " + c.code() + ": " + lines.get(0));
    return lines.get(0);
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  /** A CSV with a label and {@code d} feature columns; labels 0..classes-1. */
  private static Path csv(String name, int d, int classes) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder head = new StringBuilder("label");
    for (int j = 0; j < d; j++) {
      head.append(",f").append(j);
    }
    lines.add(head.toString());
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 40; i++) {
      StringBuilder row = new StringBuilder(Integer.toString(i % classes));
      for (int j = 0; j < d; j++) {
        row.append(',').append(rng.nextInt(256));
      }
      lines.add(row.toString());
    }
    return DataFiles.lines(dir.resolve(name + ".csv"), lines);
  }

  // ---- a damaged model folder

  @Test
  void anUndamagedCopyAndTodaysFormatWithoutTheChecksumStillEvaluate() throws IOException {
    Cli ok = evaluate(copy("ok"));
    assertEquals(0, ok.code(), ok.toString());
    assertTrue(ok.out().contains("accuracy"), ok.toString());
    Cli old = evaluate(oldFormat("old"));
    assertEquals(0, old.code(), old.toString());
    assertEquals(ok.out(), old.out(), "the same model, the same evaluation");
  }

  @Test
  void aTruncatedOrFlippedDownhillParquetFile() throws IOException {
    Path m = copy("dh-truncated");
    Path part = part(stage(m, "1_downhill").resolve("data"));
    truncate(part, false);
    assertBad(evaluate(m), name(part), "unreadable model data");

    m = copy("dh-truncated-crc");
    part = part(stage(m, "1_downhill").resolve("data"));
    truncate(part, true);
    assertBad(evaluate(m), name(part));

    m = copy("dh-flipped-crc");
    part = part(stage(m, "1_downhill").resolve("data"));
    flip(part, true);
    assertBad(evaluate(m), name(part), "corrupt file", "checksum error");

    m = copy("dh-flipped");
    part = part(stage(m, "1_downhill").resolve("data"));
    flip(part, false);
    assertBad(evaluate(m), name(part));
  }

  @Test
  void aRowClaimingOtherClassesOrAnotherLossIsRefused() throws IOException {
    Path m = copy("row-classes");
    Path part = part(stage(m, "1_downhill").resolve("data"));
    rewriteRow(part, List.of(), Map.of("classes", List.of(5), "class_names", List.of("0", "1", "2", "3", "4")));
    assertBad(evaluate(m), name(part), "class count does not match the model");

    m = copy("row-names"); // consistent with everything but the checksum
    part = part(stage(m, "1_downhill").resolve("data"));
    rewriteRow(part, List.of(), Map.of("class_names", List.of("a", "b", "c", "d")));
    assertBad(evaluate(m), name(part), "model data changed since it was saved", "checksum");

    m = copy("row-loss");
    part = part(stage(m, "1_downhill").resolve("data"));
    rewriteRow(part, List.of(), Map.of("loss", List.of("svm")));
    assertBad(evaluate(m), name(part), "model data changed since it was saved");

    m = copy("row-manifest"); // the manifest itself edited: the checksum covers it
    part = part(stage(m, "1_downhill").resolve("data"));
    rewriteRow(part, List.of(), Map.of("files", List.of("[]")));
    assertBad(evaluate(m), name(part), "model data changed since it was saved");
  }

  @Test
  void editedSparkMetadataIsRefused() throws IOException {
    Path m = copy("meta-downhill");
    Path meta = part(stage(m, "1_downhill").resolve("metadata"));
    editJson(meta, j -> ((ObjectNode) j.get("paramMap")).put("featuresCol", "features"));
    assertBad(evaluate(m), name(meta), "model file changed since it was saved");

    m = copy("meta-scaler"); // same length: only the CRC32 tells
    meta = part(stage(m, "0_stdScal").resolve("metadata"));
    String text = Files.readString(meta);
    assertTrue(text.contains("\"withMean\":true"), text);
    Files.writeString(meta, text.replace("\"withMean\":true", "\"withMean\":null"));
    Files.delete(crcOf(meta));
    assertBad(evaluate(m), name(meta), "model file changed since it was saved", "CRC32");

    m = copy("meta-scaler-crc"); // the .crc kept: Hadoop's own checksum tells first
    meta = part(stage(m, "0_stdScal").resolve("metadata"));
    Files.writeString(meta, Files.readString(meta).replace("\"withMean\":true", "\"withMean\":null"));
    assertBad(evaluate(m), name(meta), "corrupt file");

    m = copy("meta-pipeline-json");
    meta = part(m.resolve("metadata"));
    Files.writeString(meta, "{\"class\": \"org.apache.spark.ml.PipelineModel\", ");
    Files.delete(crcOf(meta));
    assertBad(evaluate(m), name(meta), "invalid pipeline metadata");

    m = copy("summary"); // the training summary is covered too
    Path summary = stage(m, "1_downhill").resolve("summary.json");
    editJson(summary, j -> j.put("classes", 12));
    assertBad(evaluate(m), "summary.json", "model file changed since it was saved");
  }

  @Test
  void aFlippedOrTruncatedStandardScalerParquetFileIsRefused() throws IOException {
    Path m = copy("scaler-flipped-crc");
    Path part = part(stage(m, "0_stdScal").resolve("data"));
    flip(part, true);
    assertBad(evaluate(m), name(part), "corrupt file");

    m = copy("scaler-flipped");
    part = part(stage(m, "0_stdScal").resolve("data"));
    flip(part, false);
    assertBad(evaluate(m), name(part), "model file changed since it was saved", "CRC32");

    m = copy("scaler-truncated");
    part = part(stage(m, "0_stdScal").resolve("data"));
    truncate(part, false);
    assertBad(evaluate(m), name(part), "truncated or edited");
  }

  @Test
  void todaysFormatStillTurnsWhatSparkThrowsIntoOneLine() throws IOException {
    Path m = oldFormat("old-scaler-flipped-crc");
    Path part = part(stage(m, "0_stdScal").resolve("data"));
    flip(part, true);
    assertBad(evaluate(m), "cannot load the saved model", "ChecksumException", name(part));

    m = oldFormat("old-scaler-metadata");
    Path meta = part(stage(m, "0_stdScal").resolve("metadata"));
    Files.writeString(meta, Files.readString(meta).replace("\"withMean\":true", "\"withMean\":\"perhaps\""));
    Files.delete(crcOf(meta));
    assertBad(evaluate(m), "cannot load the saved model");
  }

  @Test
  void missingFilesAreNamed() throws IOException {
    Path m = copy("no-pipeline-metadata");
    deleteTree(m.resolve("metadata"));
    assertBad(evaluate(m), "metadata", "pipeline metadata missing");

    m = copy("no-stage-metadata");
    Path stage = stage(m, "1_downhill");
    deleteTree(stage.resolve("metadata"));
    assertBad(evaluate(m), name(stage) + "/metadata", "stage metadata missing");

    m = copy("no-downhill-data");
    stage = stage(m, "1_downhill");
    Files.delete(part(stage.resolve("data")));
    assertBad(evaluate(m), name(stage) + "/data", "model data missing");

    m = copy("no-downhill-stage");
    stage = stage(m, "1_downhill");
    deleteTree(stage);
    assertBad(evaluate(m), name(stage), "pipeline stage missing");

    m = copy("no-scaler-stage");
    stage = stage(m, "0_stdScal");
    deleteTree(stage);
    assertBad(evaluate(m), name(stage), "pipeline stage missing");

    m = copy("no-scaler-data");
    Path part = part(stage(m, "0_stdScal").resolve("data"));
    Files.delete(part);
    assertBad(evaluate(m), name(part), "model file missing");

    m = copy("no-summary");
    Files.delete(stage(m, "1_downhill").resolve("summary.json"));
    assertBad(evaluate(m), "summary.json", "model file missing");

    assertBad(evaluate(dir.resolve("nothing-here")), "nothing-here", "not a saved model");
  }

  // ---- evaluate's other bad inputs

  @Test
  void dataOfAnotherWidthOrLabelRangeIsRefused() throws IOException {
    Path m = copy("widths");
    assertBad(evaluate(m, "--data", "csv:" + csv("wider", 40, 4)), "wider.csv", name(m), "36 features", "40 features");
    assertBad(evaluate(m, "--data", "csv:" + csv("narrower", 30, 4)), "narrower.csv", name(m), "36 features",
        "30 features");
    assertBad(evaluate(m, "--data", "csv:" + csv("labels", 36, 13)), "labels.csv", name(m), "label out of range",
        "4 classes", "0..3");
    Cli ok = evaluate(m, "--data", "csv:" + csv("fits", 36, 4));
    assertEquals(0, ok.code(), ok.toString());
  }

  @Test
  void outIsAnExistingDirectoryOrUnderAFile() throws IOException {
    Path m = copy("out");
    Path existing = Files.createDirectories(dir.resolve("an-existing-dir"));
    assertBad(evaluate(m, "--out", existing.toString()), "--out", "an-existing-dir", "is a directory");
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertBad(evaluate(m, "--out", file.resolve("eval.json").toString()), "--out", "a-file is a file");
    assertEquals("x", Files.readString(file));
  }
}
