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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --init-model}: a warm start continues training (5 + 5 epochs end where 10 do),
 * refuses a parent of another architecture with one line and nothing written, keeps or refits the
 * preprocessing as asked, records the parent, and ties checkpoints to their parent.
 */
class WarmStartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path dir;
  /** 4 overlapping classes of 8x8 images: not separable, so the loss is still falling after 10 epochs. */
  static Path data;
  /** The same classes with every pixel brighter: other means and deviations for a scaler to fit. */
  static Path shifted;

  @BeforeAll
  static void setUp() throws IOException {
    TestSpark.session();
    data = idx(dir.resolve("data"), 0);
    shifted = idx(dir.resolve("shifted"), 40);
  }

  /** An IDX directory: 3,000 training and 600 test rows; pixel = noise + 30 on the class's pixels + shift. */
  private static Path idx(Path to, int shift) throws IOException {
    Files.createDirectories(to);
    write(to, "train", 3000, 11, shift);
    write(to, "t10k", 600, 12, shift);
    return to;
  }

  private static void write(Path to, String prefix, int count, long seed, int shift) throws IOException {
    DataFiles.writeIdxPair(to.resolve(prefix + "-images-idx3-ubyte"), to.resolve(prefix + "-labels-idx1-ubyte"), count,
        8, 8, 4, seed, false, new DataFiles.Pixels(30, shift, 120));
  }

  private static Cli train(Path out, Path on, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", "idx:" + on, "--model", "softmax", "--optimizer",
        "sgd", "--schedule", "constant", "--lr", "0.02", "--batch-size", "64", "--partitions", "2", "--out",
        out.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(new String[0]));
  }

  private static JsonNode summary(Path run) throws IOException {
    return JSON.readTree(run.resolve("summary.json").toFile());
  }

  /** train_loss of each epoch line of a run's metrics.jsonl. */
  private static double[] epochLosses(Path run) throws IOException {
    List<Double> losses = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonNode n = JSON.readTree(line);
      if (n.path("type").asText().equals("epoch")) {
        losses.add(n.get("train_loss").asDouble());
      }
    }
    return losses.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * 5 epochs, then 5 more from the saved model, against 10 straight, all at a constant rate with
   * plain SGD (no optimizer state to lose) and the same kept scaler, validation split and seed:
   * the two differ only in the minibatch order of the last 5 epochs (the warm-started run draws
   * the permutations of epochs 1-5 again). Measured on this data (64 features, 4 classes, 2,700
   * training rows, 43 steps per epoch, lr 0.02, 2 partitions): final training objective 0.127107
   * (5+5) against 0.127115 (10 straight), a relative difference of 6.8e-5; train accuracy 0.9859
   * and test accuracy 0.9733 in both. 5 epochs alone end at 0.189, 49% above. The tolerance, 0.5%
   * relative on the loss and 0.01 on the accuracies, is about 70 times the measured gap (room for
   * another BLAS or JVM), yet 100 times smaller than the 5-to-10-epoch difference: a warm start
   * that lost the parent's weights, or restarted from random ones, fails it.
   */
  @Test
  void fivePlusFiveEpochsEndWhereTenDo() throws IOException {
    Path five = dir.resolve("five");
    Path warm = dir.resolve("warm");
    Path ten = dir.resolve("ten");
    Cli a = train(five, data, "--epochs", "5");
    assertEquals(0, a.code(), a.toString());
    Cli b = train(warm, data, "--epochs", "5", "--init-model", five.toString());
    assertEquals(0, b.code(), b.toString());
    assertTrue(b.out().contains("weights of "), b.out());
    Cli c = train(ten, data, "--epochs", "10");
    assertEquals(0, c.code(), c.toString());

    JsonNode w = summary(warm);
    JsonNode s = summary(ten);
    JsonNode f = summary(five);
    double lossW = w.get("final_loss").asDouble();
    double lossS = s.get("final_loss").asDouble();
    double lossF = f.get("final_loss").asDouble();
    String measured = String.format(java.util.Locale.ROOT,
        "final loss 5: %.6f, 5+5: %.6f, 10: %.6f (rel %.2e); train acc %.4f vs %.4f; test acc %.4f vs %.4f",
        lossF, lossW, lossS, Math.abs(lossW - lossS) / lossS, w.get("train_accuracy").asDouble(),
        s.get("train_accuracy").asDouble(), w.get("test_accuracy").asDouble(), s.get("test_accuracy").asDouble());
    System.out.println("warm start: " + measured);
    assertTrue((lossF - lossS) / lossS > 0.05, "5 epochs must be clearly short of 10 for the test to mean anything: "
        + measured);
    assertEquals(lossS, lossW, 0.005 * lossS, measured);
    assertEquals(s.get("train_accuracy").asDouble(), w.get("train_accuracy").asDouble(), 0.01, measured);
    assertEquals(s.get("test_accuracy").asDouble(), w.get("test_accuracy").asDouble(), 0.01, measured);

    // the warm start's first epoch begins where the parent ended, far below a cold start's first epoch
    double[] warmEpochs = epochLosses(warm);
    double[] coldEpochs = epochLosses(ten);
    assertTrue(warmEpochs[0] < coldEpochs[0] - 0.5 * (coldEpochs[0] - coldEpochs[9]),
        "warm " + Arrays.toString(warmEpochs) + ", cold " + Arrays.toString(coldEpochs));
    assertTrue(warmEpochs[0] < coldEpochs[4], "the warm run's epoch 1 after the parent's 5: " + warmEpochs[0]
        + " vs " + coldEpochs[4]);

    // the parent is recorded in summary.json and in the saved model's summary
    JsonNode init = w.get("init_model");
    assertTrue(init.get("path").asText().endsWith("five/model"), init.toString());
    assertEquals("keep", init.get("preprocess").asText());
    assertEquals("linear 64-4", init.get("architecture").asText());
    assertEquals(f.get("test_accuracy").asDouble(), init.get("parent").get("test_accuracy").asDouble(), 0.0);
    assertEquals(f.get("data_identity"), init.get("parent").get("data_identity"));
    assertEquals("init-model", w.get("init").asText());
    Path stage;
    try (Stream<Path> st = Files.list(warm.resolve("model/stages"))) {
      stage = st.filter(p -> p.getFileName().toString().startsWith("1_downhill")).findFirst().orElseThrow();
    }
    assertEquals(init, JSON.readTree(stage.resolve(ModelFiles.SUMMARY).toFile()).get("init_model"));
    assertFalse(summary(ten).has("init_model"));
  }

  private static void assertOneLine(Cli c, String expected) {
    System.out.println("refused: " + c.err().strip());
    assertEquals(2, c.code(), c.toString());
    List<String> lines = c.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line: " + c.err());
    assertTrue(lines.get(0).contains(expected), "expected '" + expected + "' in: " + lines.get(0));
  }

  private static void assertNothingAt(Path out) throws IOException {
    assertFalse(Files.exists(out), out + " was written");
    Outputs.assertNoPartialSiblings(out);
  }

  @Test
  void aParentOfAnotherArchitectureIsRefusedWithOneLineAndNothingWritten() throws IOException {
    Path mlp = dir.resolve("mlp-parent");
    Cli p = train(mlp, data, "--epochs", "1", "--model", "mlp", "--hidden", "16");
    assertEquals(0, p.code(), p.toString());

    Path out = dir.resolve("refused");
    Cli wider = train(out, data, "--epochs", "1", "--model", "mlp", "--hidden", "8", "--init-model", mlp.toString());
    assertOneLine(wider, "--init-model " + mlp + ": architecture differs: saved mlp 64-16-4 (relu), this run mlp "
        + "64-8-4 (relu)");
    assertNothingAt(out);
    Cli tanh = train(out, data, "--epochs", "1", "--model", "mlp", "--hidden", "16", "--activation", "tanh",
        "--init-model", mlp.toString());
    assertOneLine(tanh, "architecture differs: saved mlp 64-16-4 (relu), this run mlp 64-16-4 (tanh)");
    Cli batchNorm = train(out, data, "--epochs", "1", "--model", "mlp", "--hidden", "16", "--batch-norm",
        "--init-model", mlp.toString());
    assertOneLine(batchNorm, "architecture differs: saved mlp 64-16-4 (relu), this run mlp 64-16-4 "
        + "(relu, batch norm before it)"); // the flag alone: before
    Cli after = train(out, data, "--epochs", "1", "--model", "mlp", "--hidden", "16", "--batch-norm", "after",
        "--init-model", mlp.toString());
    assertOneLine(after, "architecture differs: saved mlp 64-16-4 (relu), this run mlp 64-16-4 "
        + "(relu, batch norm after it)");
    Cli linear = train(out, data, "--epochs", "1", "--init-model", mlp.toString());
    assertOneLine(linear, "architecture differs: saved mlp 64-16-4 (relu), this run linear 64-4");
    Cli svm = train(out, data, "--epochs", "1", "--model", "mlp", "--hidden", "16", "--loss", "svm",
        "--init-model", mlp.toString());
    assertOneLine(svm, "loss differs: saved softmax, this run svm");
    Cli pca = train(out, data, "--epochs", "1", "--model", "mlp", "--hidden", "16", "--preprocess", "pca:10",
        "--init-preprocess", "refit", "--init-model", mlp.toString());
    assertOneLine(pca, "input width differs: saved 64 features, this run 10 features");
    Cli classes = train(out, data, "--epochs", "1", "--model", "mlp", "--hidden", "16", "--num-classes", "5",
        "--init-model", mlp.toString());
    assertOneLine(classes, "classes differ: saved 4 classes (integer labels 0..3), this run 5 classes");
    Path narrow = DataFiles.idxDirectory(dir.resolve("narrow"), 300, 100, 6, 6, 4, false);
    assertOneLine(train(out, narrow, "--epochs", "1", "--model", "mlp", "--hidden", "16", "--init-model",
        mlp.toString()), "idx:" + narrow + ": dimension mismatch with the preprocessing kept from the initial model: "
            + "expected 64 features (its fitted standardize stages), found 36 features");
    assertNothingAt(out);

    // flags checked before Spark starts, and a folder that holds no model
    assertOneLine(train(out, data, "--init-preprocess", "keep"), "--init-preprocess keep: preprocessing choice "
        + "without a warm start");
    assertOneLine(train(out, data, "--init-model", mlp.toString(), "--init-preprocess", "sometimes"),
        "--init-preprocess: unknown mode: expected keep or refit");
    assertOneLine(train(out, data, "--init-model", dir.resolve("nothing").toString()),
        "initial model not found");
    assertOneLine(train(out, data, "--init-model", data.toString()), "not a saved model");
    assertNothingAt(out);
  }

  private static StandardScalerModel scaler(Path run) {
    return (StandardScalerModel) PipelineModel.load(run.resolve("model").toString()).stages()[0];
  }

  @Test
  void keepAppliesTheParentsScalerAndRefitFitsANewOne() throws IOException {
    Path parent = dir.resolve("scaled-parent");
    assertEquals(0, train(parent, data, "--epochs", "1").code());
    Path kept = dir.resolve("kept");
    Cli k = train(kept, shifted, "--epochs", "1", "--init-model", parent.resolve("model").toString());
    assertEquals(0, k.code(), k.toString());
    Path refit = dir.resolve("refit");
    Cli r = train(refit, shifted, "--epochs", "1", "--init-model", parent.toString(), "--init-preprocess", "refit");
    assertEquals(0, r.code(), r.toString());
    Path cold = dir.resolve("cold-shifted");
    assertEquals(0, train(cold, shifted, "--epochs", "1").code());

    StandardScalerModel p = scaler(parent);
    StandardScalerModel kk = scaler(kept);
    StandardScalerModel rr = scaler(refit);
    assertArrayEquals(p.mean().toArray(), kk.mean().toArray(), 0.0, "keep: the parent's means, exactly");
    assertArrayEquals(p.std().toArray(), kk.std().toArray(), 0.0, "keep: the parent's deviations, exactly");
    assertArrayEquals(scaler(cold).mean().toArray(), rr.mean().toArray(), 0.0, "refit: fitted on the new data");
    assertArrayEquals(scaler(cold).std().toArray(), rr.std().toArray(), 0.0);
    assertTrue(rr.mean().apply(0) > p.mean().apply(0) + 0.1, "the shifted data's means are higher");
    assertEquals("keep", summary(kept).get("init_model").get("preprocess").asText());
    assertEquals("refit", summary(refit).get("init_model").get("preprocess").asText());

    // keep with an explicitly different --preprocess is refused; the same one is accepted
    Path out = dir.resolve("conflict");
    assertOneLine(train(out, shifted, "--epochs", "1", "--init-model", parent.toString(), "--preprocess", "none"),
        "--preprocess none: differs from the preprocessing kept from --init-model " + parent
            + ": expected standardize (as saved; or --init-preprocess refit to fit none afresh), found none");
    assertNothingAt(out);
    Cli same = train(out, shifted, "--epochs", "1", "--init-model", parent.toString(), "--preprocess", "standardize");
    assertEquals(0, same.code(), same.toString());
    // a run may start from the folder it replaces: the parent is read before, the folder replaced after
    Cli again = train(kept, shifted, "--epochs", "1", "--init-model", kept.toString());
    assertEquals(0, again.code(), again.toString());
    assertArrayEquals(p.mean().toArray(), scaler(kept).mean().toArray(), 0.0, "kept through two generations");
    assertTrue(summary(kept).get("init_model").get("parent").get("init_model").asText().endsWith("scaled-parent/model"),
        summary(kept).toString());
    // a parent without preprocessing keeps none, whatever the default --preprocess says
    Path raw = dir.resolve("raw-parent");
    assertEquals(0, train(raw, data, "--epochs", "1", "--preprocess", "none").code());
    Path rawChild = dir.resolve("raw-child");
    assertEquals(0, train(rawChild, shifted, "--epochs", "1", "--init-model", raw.toString()).code());
    assertEquals("none", summary(rawChild).get("preprocess").asText());
  }

  @Test
  void aCheckpointIsTiedToTheModelItWasWarmStartedFrom() throws IOException {
    Path a = dir.resolve("parent-a");
    Path b = dir.resolve("parent-b");
    assertEquals(0, train(a, data, "--epochs", "1").code());
    assertEquals(0, train(b, data, "--epochs", "1", "--seed", "7").code());
    // a run from A that explodes after its first checkpoint (step 1) leaves that checkpoint behind
    Path ck = dir.resolve("ck");
    Path out = dir.resolve("ck-run");
    String[] exploding = {"--epochs", "2", "--lr", "1e4", "--abort-factor", "3", "--checkpoint-dir", ck.toString(),
        "--checkpoint-every", "1"};
    Cli first = train(out, data, concat(exploding, "--init-model", a.toString()));
    assertEquals(3, first.code(), first.toString());
    try (Stream<Path> files = Files.list(ck)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("checkpoint-")), "a checkpoint was kept");
    }
    // resumed with another parent, or with none: refused, the settings name the parent
    Cli other = train(out, data, concat(exploding, "--init-model", b.toString(), "--resume"));
    assertEquals(2, other.code(), other.toString());
    assertTrue(other.err().contains("the checkpoint was written by a run with other settings"), other.err());
    assertTrue(other.err().contains("init model file:" + a.resolve("model")), other.err());
    Cli none = train(out, data, concat(exploding, "--resume"));
    assertEquals(2, none.code(), none.toString());
    // resumed with the same parent: accepted (the checkpoint's weights win), and it explodes again
    Cli same = train(out, data, concat(exploding, "--init-model", a.toString(), "--resume"));
    assertEquals(3, same.code(), same.toString());
    assertTrue(same.out().contains("the checkpoint's weights and position win over --init-model"), same.out());
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
