package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --loss squared} end to end on the command line: train on LIBSVM data with real-valued
 * labels (RMSE, MAE and R² in summary.json, metrics.jsonl, the console and the report), evaluate
 * reproduces the test RMSE, predict writes the real-valued predictions, early stopping on
 * val_rmse; class-only data, a NaN label and classification settings are one-line errors.
 */
class RegressionCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[] W = {1.5, -2, 0.5, 3, -1};
  @TempDir
  static Path dir;
  static Path train;
  static Path test;

  @BeforeAll
  static void setUp() throws IOException {
    TestSpark.session();
    train = DataFiles.lines(dir.resolve("train.txt"), DataFiles.regressionLines(1500, W, 2.0, 0.1, 1));
    test = DataFiles.lines(dir.resolve("test.txt"), DataFiles.regressionLines(400, W, 2.0, 0.1, 2));
  }

  private static Cli train(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", "libsvm:" + train, "--test-data", "libsvm:" + test,
        "--loss", "squared", "--epochs", "4", "--batch-size", "64", "--lr", "0.05", "--schedule", "constant",
        "--out", out.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(new String[0]));
  }

  @Test
  void trainEvaluateAndPredictARegression() throws IOException {
    Path out = dir.resolve("run");
    Cli t = train(out);
    assertEquals(0, t.code(), t.toString());
    JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals("squared", s.get("loss").asText());
    assertEquals(0, s.get("classes").asInt());
    assertEquals("linear 5-1", s.get("architecture").asText());
    for (String split : List.of("train", "val", "test")) {
      assertTrue(s.get(split + "_rmse").isNumber() && s.get(split + "_mae").isNumber()
          && s.get(split + "_r2").isNumber(), split + ": " + s);
      assertFalse(s.has(split + "_accuracy"), "no accuracy for regression");
    }
    assertFalse(s.has("confusion_matrix"));
    assertTrue(s.get("test_r2").asDouble() > 0.99, s.toString());
    assertTrue(s.get("test_rmse").asDouble() < 0.2, s.toString());
    assertTrue(t.out().contains("finite real-valued labels (regression)"), t.out());
    assertTrue(t.out().matches("(?s).*epoch  4/4  loss [0-9.]+  RMSE train .*"), t.out());
    assertTrue(t.out().contains("test RMSE "), t.out());
    List<String> epochs = Files.readAllLines(out.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"type\":\"epoch\"")).toList();
    assertEquals(4, epochs.size());
    assertTrue(JSON.readTree(epochs.get(3)).get("val_rmse").asDouble() < JSON.readTree(epochs.get(0))
        .get("val_rmse").asDouble() + 1e-9);
    String report = Files.readString(out.resolve("report.html"));
    assertTrue(report.contains("test RMSE") && report.contains("RMSE per epoch"), "the report shows RMSE");

    Path evalJson = dir.resolve("eval.json");
    Cli e = Cli.run("evaluate", "--model", out.toString(), "--data", "libsvm:" + test, "--out", evalJson.toString());
    assertEquals(0, e.code(), e.toString());
    assertTrue(e.out().contains("RMSE ") && e.out().contains("MAE ") && e.out().contains("R² "), e.out());
    JsonNode ev = JSON.readTree(evalJson.toFile());
    assertEquals(s.get("test_rmse").asDouble(), ev.get("rmse").asDouble(), 1e-12);
    assertEquals(s.get("test_r2").asDouble(), ev.get("r2").asDouble(), 1e-12);
    assertFalse(ev.has("accuracy") || ev.has("confusion_matrix"));

    for (String format : List.of("parquet", "csv")) {
      Path predictions = dir.resolve("predictions-" + format);
      Cli p = Cli.run("predict", "--model", out.toString(), "--data", "libsvm:" + test, "--out",
          predictions.toString(), "--format", format);
      assertEquals(0, p.code(), p.toString());
      assertTrue(p.out().contains("predictions (regression): min "), p.out());
      var read = format.equals("csv")
          ? TestSpark.session().read().option("header", "true").option("inferSchema", "true")
              .csv(predictions.resolve("predictions").toString())
          : TestSpark.session().read().parquet(predictions.resolve("predictions").toString());
      assertEquals(List.of("row_id", "prediction"), List.of(read.columns()));
      List<Row> rows = read.orderBy("row_id").collectAsList();
      assertEquals(400, rows.size());
      // the first test line's prediction against its label: within a few noise deviations
      double label = Double.parseDouble(Files.readAllLines(test).get(0).split(" ")[0]);
      assertEquals(label, ((Number) rows.get(0).get(1)).doubleValue(), 0.5, format);
      JsonNode ps = JSON.readTree(predictions.resolve("summary.json").toFile());
      assertEquals(400, ps.get("rows").asLong());
      assertTrue(ps.get("predicted").get("min").asDouble() < ps.get("predicted").get("max").asDouble());
    }
  }

  @Test
  void anMlpWithEarlyStoppingOnValidationRmse() throws IOException {
    Path out = dir.resolve("mlp");
    Cli t = train(out, "--model", "mlp", "--hidden", "16", "--optimizer", "adam", "--lr", "0.01",
        "--early-stopping", "val_rmse", "--patience", "2");
    assertEquals(0, t.code(), t.toString());
    JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals("mlp 5-16-1 (relu)", s.get("architecture").asText());
    assertEquals("val_rmse", s.get("early_stopping").asText());
    assertTrue(s.get("val_r2").asDouble() > 0.9, s.toString());
  }

  @Test
  void aCsvLabelColumnOfRealsTrainsToo() throws IOException {
    List<String> csv = new ArrayList<>(List.of("a,y,b"));
    java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
    for (int i = 0; i < 600; i++) {
      double a = rng.nextGaussian();
      double b = rng.nextGaussian();
      csv.add(a + "," + (0.25 - 3 * a + 0.5 * b + 0.05 * rng.nextGaussian()) + "," + b);
    }
    Path file = DataFiles.lines(dir.resolve("reals.csv"), csv);
    Path out = dir.resolve("csv-run");
    Cli t = Cli.run("train", "--data", "csv:" + file, "--label-col", "y", "--loss", "squared", "--epochs", "5",
        "--batch-size", "32", "--lr", "0.1", "--schedule", "constant", "--out", out.toString());
    assertEquals(0, t.code(), t.toString());
    assertTrue(JSON.readTree(out.resolve("summary.json").toFile()).get("val_r2").asDouble() > 0.99, t.out());
  }

  @Test
  void gradcheckChecksTheSquaredLossOnARealAndARandomMinibatch() {
    for (String model : List.of("squared", "mlp")) {
      Cli c = Cli.run("gradcheck", "--model", model, "--loss", "squared", "--data", "libsvm:" + train);
      assertEquals(0, c.code(), c.toString());
      assertEquals(2, c.out().lines().filter(l -> l.contains(" PASS ")).count(), c.toString());
      assertTrue(c.out().contains("squared "), c.toString());
    }
    Cli sanity = Cli.run("sanity", "--loss", "squared", "--data", "libsvm:" + train);
    assertEquals(ExitCodes.BAD_INPUT, sanity.code(), sanity.toString());
    assertTrue(sanity.err().contains("--loss squared: no sanity checks for regression"), sanity.err());
  }

  @Test
  void classOnlyDataNanLabelsAndClassSettingsAreOneLineErrors() throws IOException {
    Path idx = DataFiles.idxDirectory(dir.resolve("idx"), 200, 50, 4, 4, 3, false);
    Cli onIdx = Cli.run("train", "--data", "idx:" + idx, "--loss", "squared", "--out", dir.resolve("x").toString());
    assertEquals(ExitCodes.BAD_INPUT, onIdx.code(), onIdx.toString());
    assertTrue(onIdx.err().contains("idx:" + idx + ": regression on a classification data set: expected real-valued "
        + "labels for the squared loss"), onIdx.err());
    assertEquals(1, onIdx.err().strip().lines().count(), onIdx.err());

    List<String> lines = new ArrayList<>(DataFiles.regressionLines(40, W, 0, 0.1, 3));
    lines.set(17, "NaN" + lines.get(17).substring(lines.get(17).indexOf(' ')));
    Path nan = DataFiles.lines(dir.resolve("nan.txt"), lines);
    Cli bad = Cli.run("train", "--data", "libsvm:" + nan, "--loss", "squared", "--val-fraction", "0", "--partitions",
        "1", "--out", dir.resolve("y").toString());
    assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
    assertTrue(bad.err().contains("label is not finite: expected finite real-valued labels, found NaN"), bad.err());

    Cli accuracy = train(dir.resolve("z"), "--early-stopping", "val_accuracy");
    assertEquals(ExitCodes.BAD_INPUT, accuracy.code(), accuracy.toString());
    assertTrue(accuracy.err().contains("--early-stopping: a metric of classes: expected val_loss or val_rmse with "
        + "--loss squared"), accuracy.err());
    Cli weights = train(dir.resolve("w"), "--class-weights", "balanced");
    assertEquals(ExitCodes.BAD_INPUT, weights.code(), weights.toString());
    assertTrue(weights.err().contains("--class-weights: a class setting on regression data"), weights.err());
  }
}
