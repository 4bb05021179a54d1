package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.data.DataSpec;
import io.downhill.testing.TestSpark;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Softmax on the real Fashion-MNIST (60,000 training images, read from ../shared/data or Debian's
 * dataset-fashion-mnist) through the command line with the default optimizer, rate and schedule: an
 * accuracy floor after 3 epochs, and the saved model evaluated again gives exactly the same test accuracy.
 */
class FashionMnistEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void softmaxReachesTheFloorAndTheSavedModelReproducesIt() throws Exception {
    DataSpec.parse("fashion-mnist", DataSpec.searchDirs(null)); // fails clearly when the data is absent
    TestSpark.session();
    Path out = dir.resolve("fashion");
    // the defaults (sgd at its rate 0.1, cosine, batch 256 on this many rows), 3 epochs
    Cli train = Cli.run("train", "--data", "fashion-mnist", "--epochs", "3", "--preprocess", "standardize", "--out",
        out.toString());
    assertEquals(0, train.code(), train.toString());
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(10000, s.get("test_rows").asLong());
    assertEquals(60000, s.get("train_rows").asLong() + s.get("val_rows").asLong());
    double test = s.get("test_accuracy").asDouble();
    assertTrue(test >= 0.83, "test accuracy " + test + "\n" + train);
    assertTrue(s.get("train_accuracy").asDouble() >= 0.84, train.toString());

    Cli eval = Cli.run("evaluate", "--model", out.toString(), "--out", dir.resolve("eval.json").toString());
    assertEquals(0, eval.code(), eval.toString());
    JsonNode e = new ObjectMapper().readTree(dir.resolve("eval.json").toFile());
    assertEquals(test, e.get("accuracy").asDouble(), 0.0);
    assertEquals(10000, e.get("rows").asLong());
  }
}
