package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.model.ModelFiles;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in-process: outputs, round trip, exit codes. */
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path dir;
  static Path idx;

  @BeforeAll
  static void setUp() throws IOException {
    TestSpark.session(); // the commands reuse the test session instead of starting their own
    idx = DataFiles.idxDirectory(dir.resolve("idx"), 1200, 300, 6, 6, 4, true);
  }

  private static Cli train(Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data", "idx:" + idx, "--epochs", "2",
        "--batch-size", "64", "--lr", "0.5", "--out", out.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(new String[0]));
  }

  @Test
  void trainWritesSummaryMetricsAndModelAndEvaluateReproducesTheTestAccuracy() throws IOException {
    Path out = dir.resolve("run");
    Cli t = train(out, "--model", "svm", "--preprocess", "standardize");
    assertEquals(0, t.code(), t.toString());
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    for (String field : new String[] {"model", "loss", "optimizer", "epochs", "steps", "batch_size", "partitions",
        "train_accuracy", "val_accuracy", "test_accuracy", "final_loss", "fit_seconds", "seconds_per_epoch", "blas"}) {
      assertTrue(summary.has(field), "summary.json lacks " + field);
    }
    assertEquals("svm", summary.get("loss").asText());
    assertEquals(2, summary.get("epochs").asInt());
    long steps = summary.get("steps").asLong();
    assertEquals(2 * summary.get("steps_per_epoch").asLong(), steps);
    assertTrue(summary.get("test_accuracy").asDouble() > 0.9, t.toString());
    // auto on local[4] with 2 partitions: collective, one barrier stage per epoch instead of a job per step
    assertTrue(summary.get("sync").asText().startsWith("collective (auto: 4 task slots for 2 partitions"),
        summary.get("sync").asText());
    assertTrue(t.out().contains("steps: collective (auto: "), t.out());
    assertEquals(2, summary.get("gradient_jobs").asLong());

    List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(steps + 2, metrics.size());
    JsonNode firstStep = JSON.readTree(metrics.get(0));
    for (String field : new String[] {"step", "epoch", "loss", "lr", "seconds"}) {
      assertTrue(firstStep.has(field), "step line lacks " + field);
    }
    assertEquals(2, metrics.stream().filter(l -> l.contains("\"type\":\"epoch\"")).count());
    // model/ is a Spark ML PipelineModel: the fitted StandardScaler, then the Downhill model with its summary
    assertTrue(Files.exists(out.resolve("model/metadata/_SUCCESS")));
    List<String> stages;
    try (var s = Files.list(out.resolve("model/stages"))) {
      stages = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(2, stages.size(), stages.toString());
    assertTrue(stages.get(0).startsWith("0_stdScal") && stages.get(1).startsWith("1_downhill"),
        stages.toString());
    assertTrue(Files.exists(out.resolve("model/stages").resolve(stages.get(1)).resolve(ModelFiles.SUMMARY)));
    assertEquals(4 * 36 + 4, ModelFiles.load(out.resolve("model")).theta().length, "the svm's θ, read from the stage");
    // the saved stage carries the run's settings as Params, like a model from DownhillClassifier.fit
    var classifier = (io.downhill.ml.DownhillClassificationModel)
        org.apache.spark.ml.PipelineModel.load(out.resolve("model").toString()).stages()[1];
    assertEquals("svm", classifier.getModelType());
    assertEquals(0.5, classifier.getLearningRate(), 0.0);
    assertEquals(64, classifier.getBatchSize());
    assertEquals(0.1, classifier.getValidationFraction(), 0.0, "the command line's default, the value the run used");

    Cli e = Cli.run("evaluate", "--model", out.toString(), "--out", dir.resolve("eval.json").toString());
    assertEquals(0, e.code(), e.toString());
    JsonNode eval = JSON.readTree(dir.resolve("eval.json").toFile());
    assertEquals(summary.get("test_accuracy").asDouble(), eval.get("accuracy").asDouble(), 0.0, "exactly");
    assertEquals(summary.get("test_loss").asDouble(), eval.get("loss").asDouble(), 1e-9);
    assertEquals(summary.get("confusion_matrix").get("matrix"), eval.get("confusion_matrix"));
  }

  @Test
  void evaluateReadsTheSyntheticRowsTheModelWasTrainedOn() throws IOException {
    // the synthetic dataset is drawn from the run's seed: evaluate must draw the same test rows
    Path out = dir.resolve("synthetic-run");
    Cli t = Cli.run("train", "--data", "synthetic", "--seed", "7", "--epochs", "1", "--out", out.toString());
    assertEquals(0, t.code(), t.toString());
    double trained = JSON.readTree(out.resolve("summary.json").toFile()).get("test_accuracy").asDouble();
    Path eval = dir.resolve("synthetic-eval.json");
    Cli e = Cli.run("evaluate", "--model", out.toString(), "--out", eval.toString());
    assertEquals(0, e.code(), e.toString());
    assertEquals(trained, JSON.readTree(eval.toFile()).get("accuracy").asDouble(), 0.0, e.toString());
    assertTrue(trained > 0.9, "the synthetic classes are separable: " + trained);
  }

  @Test
  void pcaWhiteningIsSavedInFrontOfTheModelAndEvaluateAppliesIt() throws IOException {
    Path out = dir.resolve("pca");
    Cli t = train(out, "--preprocess", "pca:5");
    assertEquals(0, t.code(), t.toString());
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals("pca:5 (whitened)", summary.get("preprocess").asText());
    assertEquals(5, summary.get("features").asInt(), "the model sees K = 5 features");
    assertEquals(4 * 5 + 4, ModelFiles.load(out.resolve("model")).theta().length);
    Cli e = Cli.run("evaluate", "--model", out.toString(), "--out", dir.resolve("pca-eval.json").toString());
    assertEquals(0, e.code(), e.toString());
    JsonNode eval = JSON.readTree(dir.resolve("pca-eval.json").toFile());
    assertEquals(summary.get("test_accuracy").asDouble(), eval.get("accuracy").asDouble(), 0.0, "36 raw features in");
  }

  @Test
  void aRerunReplacesTheOutputOnlyWhenItSucceeds() throws IOException {
    Path out = dir.resolve("rerun");
    assertEquals(0, train(out).code());
    String before = Files.readString(out.resolve("summary.json"));
    assertEquals(2, train(out, "--lr", "-1").code());
    assertEquals(before, Files.readString(out.resolve("summary.json")), "a failed rerun leaves the old run alone");
    assertEquals(0, train(out, "--seed", "9").code());
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"seed\" : 9"));
    assertNoPartialFolders();
  }

  @Test
  void aPropertiesFileSuppliesDefaultsAndFlagsWin() throws IOException {
    Path conf = DataFiles.lines(dir.resolve("run.properties"), List.of("# a run", "data=idx:" + idx, "epochs=1",
        "batch-size=128", "lr=0.25", "model=svm"));
    Path out = dir.resolve("conf-run");
    Cli c = Cli.run("train", "--conf", conf.toString(), "--lr", "0.125", "--out", out.toString());
    assertEquals(0, c.code(), c.toString());
    JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals("svm", s.get("loss").asText());
    assertEquals(128, s.get("batch_size").asInt());
    assertEquals(0.125, s.get("lr").asDouble());
    assertEquals(1, s.get("epochs").asInt());
  }

  /**
   * The other ways training diverges than QuietFailuresIT's exploding run (a process): a loss that
   * turns NaN with the explosion check off, and a line search whose every trial fails. Exit code 3,
   * one line, nothing at --out.
   */
  @Test
  void aLossThatTurnsNaNAndALineSearchWithNoGoodTrialAreExit3InOneLine() {
    Path out = dir.resolve("diverged");
    assertDiverged(train(out, "--epochs", "1", "--lr", "1e308", "--abort-factor", "0"), "NaN");
    assertFalse(Files.exists(out), "nothing at --out");
    assertDiverged(train(out, "--optimizer", "gd", "--epochs", "3", "--lr", "1e308"), "every line-search trial");
    assertFalse(Files.exists(out), "nothing at --out");
  }

  private static void assertDiverged(Cli c, String phrase) {
    assertEquals(ExitCodes.DIVERGED, c.code(), c.toString());
    List<String> lines = c.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line: " + c.err());
    assertTrue(lines.get(0).startsWith("downhill: ") && lines.get(0).contains(phrase), c.err());
  }

  private static void assertBadInput(Cli c, String expected) {
    assertEquals(2, c.code(), c.toString());
    List<String> lines = c.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line: " + c.err());
    assertTrue(lines.get(0).startsWith("downhill: error: "), c.err());
    assertTrue(lines.get(0).contains(expected), "expected '" + expected + "' in: " + lines.get(0));
  }

  private static void assertNoPartialFolders() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".running")), "a running folder was left");
    }
  }

  @Test
  void everyBadInputGivesOneLineExitCodeTwoAndNoOutput() throws IOException {
    Path broken = dir.resolve("broken");
    Path magic = DataFiles.idxDirectory(dir.resolve("magic"), 100, 20, 6, 6, 4, false);
    Files.copy(magic.resolve("train-labels-idx1-ubyte"), magic.resolve("train-images-idx3-ubyte"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path count = DataFiles.idxDirectory(dir.resolve("count"), 100, 20, 6, 6, 4, false);
    DataFiles.writeIdxPair(dir.resolve("x"), count.resolve("train-labels-idx1-ubyte"), 99, 6, 6, 4, 1, false);
    Path cifar = DataFiles.cifarDirectory(dir.resolve("cifar"), 2, 2);
    Files.write(cifar.resolve("data_batch_2.bin"), new byte[100]);
    Path libsvm = DataFiles.lines(dir.resolve("bad.libsvm"), List.of("1 1:1", "0 1:1 1:2"));
    Path nan = DataFiles.lines(dir.resolve("nan.libsvm"), List.of("1 1:1", "0 1:-Infinity"));
    Path empty = DataFiles.lines(dir.resolve("empty.libsvm"), List.of());
    Path narrow = DataFiles.idxDirectory(dir.resolve("narrow"), 100, 20, 5, 6, 4, true);
    Path unknownKey = DataFiles.lines(dir.resolve("typo.properties"), List.of("lrr=0.1"));

    String[][] cases = {
        {"path not found", "--data", "idx:" + dir.resolve("nowhere")},
        {"wrong IDX magic number", "--data", "idx:" + magic},
        {"IDX count mismatch", "--data", "idx:" + count},
        {"multiple of 3073", "--data", "cifar10:" + cifar},
        {"bad.libsvm:2: feature indices not ascending", "--data", "libsvm:" + libsvm},
        {"label out of range", "--data", "idx:" + idx, "--num-classes", "3"},
        {"nan.libsvm:2: feature value is not finite", "--data", "libsvm:" + nan},
        {"empty.libsvm", "--data", "libsvm:" + empty},
        {"dimension mismatch", "--data", "idx:" + idx, "--test-data", "idx:" + narrow},
        {"binary model on multiclass data", "--data", "idx:" + idx, "--model", "logistic"},
        {"Unknown options: '--lrr'", "--data", "idx:" + idx, "--lrr", "0.1"},
        {"--lr: invalid learning rate: expected a finite number > 0, or auto (0), found -1.0", "--lr", "-1"},
        {"--lr: invalid learning rate: expected a finite number > 0, or auto (0), found NaN", "--lr", "NaN"},
        {"Invalid value for option '--lr': 'fast' is not a number or auto", "--lr", "fast"},
        {"--lr: auto with --optimizer gd: expected a rate", "--optimizer", "gd", "--lr", "auto"},
        {"--batch-size: invalid batch size: expected an integer >= 1, or auto (0), found -1", "--batch-size", "-1"},
        {"--epochs: invalid number of epochs", "--epochs", "-1"},
        {"--reg: invalid regularization strength", "--reg", "-1e-3"},
        {"--val-fraction: invalid validation fraction", "--val-fraction", "1.5"},
        {"--precision: unknown precision", "--precision", "half"},
        {"--model: unknown model", "--model", "tree"},
        {"--preprocess: unknown preprocessing", "--preprocess", "whiten"},
        {"Invalid value for option '--epochs'", "--epochs", "ten"},
        {"typo.properties: unknown setting [lrr]", "--conf", unknownKey.toString()},
        {"--model: unknown model", "--model", "cnn"},
        {"--loss: unknown loss", "--model", "mlp", "--loss", "tree"},
        {"--hidden: hidden layers on a linear model", "--model", "softmax", "--hidden", "16"},
        {"--hidden: invalid hidden layer width", "--model", "mlp", "--hidden", "16,0"},
        {"--dropout: invalid dropout probability", "--model", "mlp", "--dropout", "1"},
        {"--optimizer: unknown optimizer", "--optimizer", "lbfgs"},
        {"--momentum: invalid decay factor", "--optimizer", "momentum", "--momentum", "1.5"},
        {"--schedule: unknown schedule", "--schedule", "linear"},
        {"--optimizer gd: full-batch descent with dropout", "--model", "mlp", "--optimizer", "gd", "--dropout", "0.2"},
        {"--class-weights: wrong number of class weights", "--class-weights", "1,2"},
        {"--l1-ratio: invalid L1 ratio", "--l1-ratio", "2"},
        {"--early-stopping val_loss: no validation data", "--early-stopping", "val_loss", "--val-fraction", "0"},
    };
    for (String[] c : cases) {
      List<String> args = new java.util.ArrayList<>(List.of("train", "--data", "idx:" + idx, "--out", broken.toString(),
          "--epochs", "1"));
      args.addAll(List.of(c).subList(1, c.length));
      Cli result = Cli.run(args.toArray(new String[0]));
      assertBadInput(result, c[0]);
      assertFalse(Files.exists(broken), "nothing written to --out for: " + c[0]);
    }
    assertNoPartialFolders();
  }

  @Test
  void eachOptimizerTakesItsOwnRateAndAutoPicksOneBeforeTraining() throws IOException {
    Path adam = dir.resolve("adam-default");
    Cli byDefault = Cli.run("train", "--data", "idx:" + idx, "--epochs", "1", "--optimizer", "adam", "--out",
        adam.toString());
    assertEquals(0, byDefault.code(), byDefault.toString());
    assertTrue(byDefault.out().contains("optimizer: adam (β₁ 0.9, β₂ 0.999, ε 1e-8), lr 0.001 (adam's default) cosine"),
        byDefault.out());
    JsonNode s = JSON.readTree(adam.resolve("summary.json").toFile());
    assertEquals(0.001, s.get("lr").asDouble());
    assertEquals("adam's default", s.get("lr_source").asText());
    assertEquals(s.get("train_rows").asInt() / 32, s.get("batch_size").asInt(), "auto on about 1,080 rows: N/32");

    Path auto = dir.resolve("auto");
    Cli picked = train(auto, "--lr", "auto");
    assertEquals(0, picked.code(), picked.toString());
    List<String> lines = picked.out().lines().filter(l -> l.startsWith("lr auto: ")).toList();
    assertEquals(1, lines.size(), picked.out());
    JsonNode a = JSON.readTree(auto.resolve("summary.json").toFile());
    assertEquals("auto", a.get("lr_source").asText());
    assertEquals(lines.get(0), a.get("lr_auto").asText());
    double lr = a.get("lr").asDouble();
    assertTrue(lines.get(0).startsWith("lr auto: " + io.downhill.linalg.Numbers.compact(lr) + ", "), lines.get(0));
    assertEquals(13, a.get("lr_sweep").size(), a.get("lr_sweep").toString());
    assertTrue(a.get("lr_sweep").has(io.downhill.linalg.Numbers.compact(lr)), a.get("lr_sweep").toString());
    assertTrue(picked.out().contains("lr " + io.downhill.linalg.Numbers.compact(lr) + " (auto)"), picked.out());
    assertTrue(a.get("test_accuracy").asDouble() > 0.9, picked.toString());
    assertTrue(Files.readString(auto.resolve("report.html")).contains("lr_auto"), "the report shows it");
    JsonNode first = JSON.readTree(Files.readAllLines(auto.resolve("metrics.jsonl")).get(0));
    assertEquals(lr, first.get("lr").asDouble(), 0.0, "the run starts at the rate picked (cosine)");
  }

  @Test
  void aLossThatBecomesNanStopsWithExitCodeThreeAndTheStep() {
    Path out = dir.resolve("diverged");
    Cli c = train(out, "--lr", "1e6", "--reg", "1e-4", "--abort-factor", "0"); // past 3x first: see QuietFailuresIT
    assertEquals(3, c.code(), c.toString());
    Matcher m = Pattern.compile("diverged at step (\\d+)").matcher(c.err());
    assertTrue(m.find(), c.err());
    assertTrue(c.err().contains("learning rate"), c.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void gradcheckPassesForEveryLossAndFailsOnAnImpossibleThreshold() {
    for (String model : new String[] {"softmax", "svm", "logistic"}) {
      Cli c = Cli.run("gradcheck", "--model", model, "--data", "idx:" + idx);
      assertEquals(0, c.code(), c.toString());
      assertEquals(2, c.out().lines().filter(l -> l.contains(" PASS ")).count(), c.toString());
    }
    Cli strict = Cli.run("gradcheck", "--data", "idx:" + idx, "--threshold", "1e-20");
    assertEquals(1, strict.code(), strict.toString());
    assertTrue(strict.out().contains("FAIL"), strict.toString());
  }

  @Test
  void anMlpWithAdamDropoutAndEarlyStoppingTrainsFromTheCommandLine() throws IOException {
    Path out = dir.resolve("mlp");
    Cli c = Cli.run("train", "--data", "idx:" + idx, "--model", "mlp", "--hidden", "16,8", "--optimizer", "adam",
        "--lr", "0.01", "--dropout", "0.1", "--epochs", "4", "--early-stopping", "val_accuracy", "--patience", "2",
        "--class-weights", "balanced", "--schedule", "cosine", "--warmup", "0.5", "--out", out.toString());
    assertEquals(0, c.code(), c.toString());
    JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals("mlp 36-16-8-4 (relu, dropout 0.1)", s.get("architecture").asText());
    assertEquals("adam", s.get("optimizer").asText());
    assertEquals("he", s.get("init").asText());
    assertEquals(36 * 16 + 16 + 16 * 8 + 8 + 8 * 4 + 4, s.get("parameters").asInt());
    assertTrue(s.get("test_accuracy").asDouble() > 0.9, c.toString());
    List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
    double firstLr = JSON.readTree(metrics.get(0)).get("lr").asDouble();
    double laterLr = JSON.readTree(metrics.get(5)).get("lr").asDouble();
    assertTrue(firstLr < laterLr && laterLr <= 0.01, "warm-up raises the rate step by step: " + firstLr + ", " + laterLr);
    Cli e = Cli.run("evaluate", "--model", out.toString(), "--out", dir.resolve("mlp-eval.json").toString());
    assertEquals(0, e.code(), e.toString());
    assertEquals(s.get("test_accuracy").asDouble(),
        JSON.readTree(dir.resolve("mlp-eval.json").toFile()).get("accuracy").asDouble(), 0.0);
  }

  @Test
  void gradcheckCoversNetworksDropoutAndElasticNet() {
    Cli c = Cli.run("gradcheck", "--model", "mlp", "--hidden", "8,6", "--activation", "tanh", "--dropout", "0.3",
        "--l1-ratio", "0.5", "--loss", "svm", "--data", "idx:" + idx);
    assertEquals(0, c.code(), c.toString());
    assertEquals(2, c.out().lines().filter(l -> l.contains(" PASS ")).count(), c.toString());
    assertTrue(c.out().contains("elastic net") && c.out().contains("dropout 0.3"), c.toString());
  }

  @Test
  void helpAndVersionExitZero() {
    Cli help = Cli.run("train", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--batch-size"));
    assertTrue(help.out().contains("--lr-decay"));
    Cli version = Cli.run("--version");
    assertEquals(0, version.code());
    assertTrue(version.out().startsWith("downhill "), version.out());
  }

  @Test
  void checkpointFlagsAreCheckedAndACorruptCheckpointIsSkippedWithAWarning() throws IOException {
    Cli noDir = train(dir.resolve("ck-none"), "--resume");
    assertEquals(2, noDir.code(), noDir.toString());
    assertTrue(noDir.err().contains("--resume: resume without a checkpoint directory"), noDir.err());
    Cli badEvery = train(dir.resolve("ck-every"), "--checkpoint-dir", dir.resolve("ck0").toString(),
        "--checkpoint-every", "sometimes");
    assertEquals(2, badEvery.code(), badEvery.toString());
    assertTrue(badEvery.err().contains("N steps or N epochs"), badEvery.err());

    // a directory with an earlier run's checkpoint is refused without --resume ...
    Path ck = dir.resolve("ck");
    Path broken = Files.createDirectories(ck.resolve("checkpoint-000000000007"));
    Files.writeString(broken.resolve("state.json"), "{\"format\": \"downhill-checkpoint\"");
    Cli refused = train(dir.resolve("ck-refused"), "--checkpoint-dir", ck.toString());
    assertEquals(2, refused.code(), refused.toString());
    assertTrue(refused.err().contains("holds checkpoints of an earlier run"), refused.err());
    assertFalse(Files.exists(dir.resolve("ck-refused")));

    // ... and with --resume a corrupt one is skipped with a warning: the run starts afresh and ends
    // with the weights of a run without checkpoints; the directory is cleared when it succeeds
    Path resumedOut = dir.resolve("ck-resumed");
    Cli resumed = train(resumedOut, "--checkpoint-dir", ck.toString(), "--checkpoint-every", "7", "--resume");
    assertEquals(0, resumed.code(), resumed.toString());
    assertTrue(resumed.out().contains("checkpoints: WARNING: skipped checkpoint-000000000007"), resumed.out());
    assertTrue(resumed.out().contains("starting from the beginning"), resumed.out());
    Path plainOut = dir.resolve("ck-plain");
    assertEquals(0, train(plainOut).code());
    assertArrayEquals(ModelFiles.load(plainOut.resolve("model")).theta(),
        ModelFiles.load(resumedOut.resolve("model")).theta(), 0.0);
    try (var left = Files.list(ck)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).toList());
    }
  }
}
