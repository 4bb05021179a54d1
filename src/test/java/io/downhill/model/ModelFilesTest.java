package io.downhill.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.data.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
  @TempDir
  Path dir;

  private Path saved(double[] theta) throws IOException {
    ModelSpec spec = ModelSpec.linear(5, 3);
    var extra = ModelFiles.object();
    extra.put("data", "idx:/somewhere");
    Path d = dir.resolve("m");
    ModelFiles.save(d, new ModelFiles.Saved(spec, "svm", 3, false, "float32", theta, extra));
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
    assertEquals(ModelSpec.linear(5, 3), back.spec());
    assertEquals("svm", back.loss());
    assertEquals(3, back.classes());
    assertEquals("float32", back.precision());
    assertEquals("idx:/somewhere", back.extra().get("data").asText());
    assertTrue(Files.readString(dir.resolve("m/metadata.json")).contains("\"name\" : \"W\""));
  }

  @Test
  void corruptTruncatedOrMismatchedFilesAreRejected() throws IOException {
    Path d = saved(theta());
    byte[] weights = Files.readAllBytes(d.resolve(ModelFiles.WEIGHTS));
    weights[17] ^= 1;
    Files.write(d.resolve(ModelFiles.WEIGHTS), weights);
    BadInputException corrupt = assertThrows(BadInputException.class, () -> ModelFiles.load(d));
    assertTrue(corrupt.getMessage().contains("corrupt") && corrupt.getMessage().contains("CRC32"), corrupt.getMessage());

    Files.write(d.resolve(ModelFiles.WEIGHTS), Arrays.copyOf(weights, 100));
    BadInputException size = assertThrows(BadInputException.class, () -> ModelFiles.load(d));
    assertTrue(size.getMessage().contains("expected 144 bytes (18 float64), found 100 bytes"), size.getMessage());

    Path m = saved(theta());
    String meta = Files.readString(m.resolve(ModelFiles.METADATA));
    Files.writeString(m.resolve(ModelFiles.METADATA), meta.replace("\"outputs\" : 3", "\"outputs\" : 4"));
    BadInputException layout = assertThrows(BadInputException.class, () -> ModelFiles.load(m));
    assertTrue(layout.getMessage().contains("does not match the architecture"), layout.getMessage());

    Files.writeString(m.resolve(ModelFiles.METADATA), meta.replace("downhill-model", "something-else"));
    BadInputException format = assertThrows(BadInputException.class, () -> ModelFiles.load(m));
    assertTrue(format.getMessage().contains("not a Downhill model"), format.getMessage());

    BadInputException missing = assertThrows(BadInputException.class, () -> ModelFiles.load(dir.resolve("none")));
    assertTrue(missing.getMessage().contains("not a saved model"), missing.getMessage());
  }
}
