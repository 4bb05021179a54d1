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
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import java.util.SplittableRandom;
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
    ModelFiles.writeRecord(d.toUri().toString(), row, new Configuration());
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
      r.put(ModelFiles.CHECKSUM, "0");
    });
    BadInputException e = assertThrows(BadInputException.class, () -> ModelFiles.load(loss));
    assertTrue(e.getMessage().contains("model data changed since it was saved"), e.getMessage());

    // the format before the checksum and the manifest: no such fields, read as before
    Path old = tampered("old", r -> {
      r.put(ModelFiles.CHECKSUM, null);
      r.put(ModelFiles.FILES, null);
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
}
