package io.downhill.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
  @TempDir
  Path dir;

  private static final ModelSpec SPEC = ModelSpec.linear(5, 3);

  private static ModelFiles.Saved model(double[] theta) {
    var extra = ModelFiles.object();
    extra.put("data", "idx:/somewhere");
    return new ModelFiles.Saved(SPEC, "svm", 3, List.of("cat", "dog", "bird"), false, "float32", theta, extra);
  }

  private Path saved(double[] theta) throws IOException {
    Path d = dir.resolve("m");
    ModelFiles.save(d, model(theta));
    return d;
  }

  /** A model directory whose row was changed by {@code edit} before writing: a file tampered with. */
  private Path tampered(String name, Consumer<Map<String, Object>> edit) throws IOException {
    Map<String, Object> row = new java.util.LinkedHashMap<>(ModelFiles.record(model(theta()), Model.of(SPEC).layout()));
    edit.accept(row);
    Path d = dir.resolve(name);
    ModelRow.write(new org.apache.hadoop.fs.Path(d.toUri().toString(), "data"), row, new Configuration());
    return d;
  }

  private static double[] theta() {
    double[] t = new double[18];
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < t.length; i++) {
      t[i] = rng.nextDouble() - 0.5;
    }
    return t;
  }

  @Test
  void roundTripKeepsEveryBit() throws IOException {
    double[] t = theta();
    ModelFiles.Saved back = ModelFiles.load(saved(t));
    assertArrayEquals(t, back.theta(), 0.0);
    assertEquals(SPEC, back.spec());
    assertEquals("svm", back.loss());
    assertEquals(3, back.classes());
    assertEquals(List.of("cat", "dog", "bird"), back.classNames());
    assertEquals("float32", back.precision());
    assertEquals("idx:/somewhere", back.extra().get("data").asText());
    assertTrue(Files.isRegularFile(dir.resolve("m/data/part-00000.parquet")));
  }

  @Test
  void corruptTruncatedOrMismatchedFilesAreRejected() throws IOException {
    Path crc = tampered("crc", r -> r.put("theta_crc32", "deadbeef"));
    BadInputException corrupt = assertThrows(BadInputException.class, () -> ModelFiles.load(crc));
    assertTrue(corrupt.getMessage().contains("corrupt") && corrupt.getMessage().contains("CRC32"), corrupt.getMessage());

    Path shortTheta = tampered("short", r -> r.put("theta", Arrays.copyOf(theta(), 12)));
    BadInputException size = assertThrows(BadInputException.class, () -> ModelFiles.load(shortTheta));
    assertTrue(size.getMessage().contains("expected 18 values, found 12 values"), size.getMessage());

    Path outputs = tampered("outputs", r -> r.put("outputs", 4));
    BadInputException layout = assertThrows(BadInputException.class, () -> ModelFiles.load(outputs));
    assertTrue(layout.getMessage().contains("does not match the architecture"), layout.getMessage());

    Path names = tampered("names", r -> r.put("class_names", List.of("cat", "cat", "bird")));
    BadInputException dup = assertThrows(BadInputException.class, () -> ModelFiles.load(names));
    assertTrue(dup.getMessage().contains("invalid class names") && dup.getMessage().contains("3 distinct names"),
        dup.getMessage());

    Path classes = tampered("classes", r -> r.put("classes", 4));
    BadInputException k = assertThrows(BadInputException.class, () -> ModelFiles.load(classes));
    assertTrue(k.getMessage().contains("class count does not match the model"), k.getMessage());

    Path format = tampered("format", r -> r.put("format", "something-else"));
    BadInputException other = assertThrows(BadInputException.class, () -> ModelFiles.load(format));
    assertTrue(other.getMessage().contains("not a Downhill model"), other.getMessage());

    Path cut = saved(theta());
    Path part = cut.resolve("data/part-00000.parquet");
    byte[] bytes = Files.readAllBytes(part);
    Files.delete(part);
    Files.deleteIfExists(cut.resolve("data/.part-00000.parquet.crc"));
    Files.write(part, Arrays.copyOf(bytes, bytes.length / 2));
    BadInputException truncated = assertThrows(BadInputException.class, () -> ModelFiles.load(cut));
    assertTrue(truncated.getMessage().contains("unreadable model data"), truncated.getMessage());

    BadInputException missing = assertThrows(BadInputException.class, () -> ModelFiles.load(dir.resolve("none")));
    assertTrue(missing.getMessage().contains("not a saved model"), missing.getMessage());
  }

  @Test
  void theRowChecksumCatchesConsistentEditsAndRowsWithoutItStillLoad() throws IOException {
    // another loss with the same outputs: every shape check passes; only the checksum tells
    Path loss = tampered("loss", r -> {
      r.put("loss", "softmax");
      r.put(ModelRow.CHECKSUM, "0");
    });
    BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(loss));
    assertTrue(e.getMessage().contains("model data changed since it was saved"), e.getMessage());

    // the format before the checksum and the manifest: no such fields, read as before
    Path old = tampered("old", r -> {
      r.put(ModelRow.CHECKSUM, null);
      r.put(ModelRow.FILES, null);
    });
    assertArrayEquals(theta(), ModelFiles.load(old).theta(), 0.0);

    // a file the manifest lists, changed: named with what was expected
    Path d = dir.resolve("listed");
    Files.createDirectories(d.resolve("metadata"));
    Files.writeString(d.resolve("metadata/part-00000"), "{\"class\":\"x\"}");
    ModelFiles.save(d, model(theta()));
    assertEquals(3, ModelFiles.load(d).classes());
    Files.writeString(d.resolve("metadata/part-00000"), "{\"class\":\"y\"}");
    BadInputException changed = assertThrows(BadInputException.class, () -> ModelFiles.load(d));
    assertTrue(changed.getMessage().contains("metadata/part-00000") && changed.getMessage().contains("CRC32"),
        changed.getMessage());
  }

  @Test
  void aNetworkRoundTripsAsItsLayerList() throws IOException {
    ModelSpec spec = ModelSpec.mlp(5, List.of(4, 3), 2, "leaky", 0.25);
    double[] t = new double[Model.of(spec).layout().size()];
    Initializer.he().initialize(Model.of(spec).layout(), t, 3);
    Path d = dir.resolve("net");
    ModelFiles.save(d, new ModelFiles.Saved(spec, "softmax", 2, List.of("a", "b"), false, "float64", t, null));
    ModelFiles.Saved back = ModelFiles.load(d);
    assertEquals(spec, back.spec());
    assertEquals("mlp 5-4-3-2 (leaky-relu, dropout 0.25)", back.spec().describe());
    assertArrayEquals(t, back.theta(), 0.0);
  }

  /** The row's schema of version 2, as the writer before layer lists wrote it. */
  private static final MessageType V2 = MessageTypeParser.parseMessageType("""
      message downhill_model {
        required binary format (UTF8);
        required int32 version;
        required int32 inputs;
        repeated int32 hidden;
        required int32 outputs;
        required binary activation (UTF8);
        required double dropout;
        required binary loss (UTF8);
        required int32 classes;
        repeated binary class_names (UTF8);
        required boolean plus_minus_one;
        required binary precision (UTF8);
        repeated group layout {
          required binary name (UTF8);
          required int32 offset;
          required int32 rows;
          required int32 cols;
          required boolean regularized;
        }
        repeated double theta;
        required binary theta_crc32 (UTF8);
        required binary extra (UTF8);
        optional binary files (UTF8);
        optional binary checksum (UTF8);
      }""");

  /** Writes {@code dir/data/} field by field as the version-2 writer did, checksum included. */
  private static void writeV2(Path dir, int inputs, List<Integer> hidden, int outputs, String activation,
      double dropout, String[][] slices, double[] theta) throws IOException {
    Group g = new SimpleGroupFactory(V2).newGroup();
    g.add("format", "downhill-model");
    g.add("version", 2);
    g.add("inputs", inputs);
    hidden.forEach(h -> g.add("hidden", h));
    g.add("outputs", outputs);
    g.add("activation", activation);
    g.add("dropout", dropout);
    g.add("loss", "softmax");
    g.add("classes", 3);
    List.of("cat", "dog", "bird").forEach(c -> g.add("class_names", c));
    g.add("plus_minus_one", false);
    g.add("precision", "float32");
    int offset = 0;
    for (String[] s : slices) { // name, rows, cols, regularized
      Group slice = g.addGroup("layout");
      slice.add("name", s[0]);
      slice.add("offset", offset);
      slice.add("rows", Integer.parseInt(s[1]));
      slice.add("cols", Integer.parseInt(s[2]));
      slice.add("regularized", Boolean.parseBoolean(s[3]));
      offset += Integer.parseInt(s[1]) * Integer.parseInt(s[2]);
    }
    for (double x : theta) {
      g.add("theta", x);
    }
    g.add("theta_crc32", ModelRow.crc(theta));
    g.add("extra", "{\"data\":\"idx:/somewhere\"}");
    g.add("files", "[]");
    g.add("checksum", ModelRow.checksum(g));
    Configuration conf = new Configuration();
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
        new org.apache.hadoop.fs.Path(dir.toUri().toString(), "data/part-00000.parquet"), conf)).withConf(conf)
        .withType(V2).withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
      w.write(g);
    }
  }

  @Test
  void filesOfVersion2LoadToTheSameModelAndTheta() throws IOException {
    double[] linear = theta();
    Path v2 = dir.resolve("v2-linear");
    writeV2(v2, 5, List.of(), 3, "relu", 0.0, new String[][] {{"W", "5", "3", "true"}, {"b", "1", "3", "false"}},
        linear);
    ModelFiles.Saved old = ModelFiles.load(v2);
    assertEquals(ModelSpec.linear(5, 3), old.spec());
    assertArrayEquals(linear, old.theta(), 0.0);
    assertEquals(List.of("cat", "dog", "bird"), old.classNames());
    assertEquals("idx:/somewhere", old.extra().get("data").asText());

    ModelSpec spec = ModelSpec.mlp(5, List.of(4), 3, "tanh", 0.5);
    double[] t = new SplittableRandom(2).doubles(Model.of(spec).layout().size()).toArray();
    Path net = dir.resolve("v2-mlp");
    writeV2(net, 5, List.of(4), 3, "tanh", 0.5, new String[][] {{"W1", "5", "4", "true"}, {"b1", "1", "4", "false"},
        {"W2", "4", "3", "true"}, {"b2", "1", "3", "false"}}, t);
    ModelFiles.Saved mlp = ModelFiles.load(net);
    assertEquals(spec, mlp.spec());
    assertEquals(Model.of(spec).layout().slices(), Model.of(mlp.spec()).layout().slices());
    assertArrayEquals(t, mlp.theta(), 0.0);

    // saved again, it is a version-3 row with the same model
    Path again = dir.resolve("v3-mlp");
    ModelFiles.save(again, mlp);
    assertEquals(spec, ModelFiles.load(again).spec());
    assertArrayEquals(t, ModelFiles.load(again).theta(), 0.0);
  }

  @Test
  void anUnknownLayerKindIsAnInvalidArchitecture() throws IOException {
    Path d = tampered("kind", r -> r.put("layers", "[{\"kind\":\"conv\"}]"));
    BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(d));
    assertTrue(e.getMessage().contains("invalid architecture") && e.getMessage().contains("unknown layer kind 'conv'"),
        e.getMessage());
  }
}
