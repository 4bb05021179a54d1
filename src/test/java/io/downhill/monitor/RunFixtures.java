package io.downhill.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.model.Model;
import io.downhill.model.ModelFiles;
import io.downhill.model.ModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Fake run and search folders, and hand-made metric series, for the report and diagnosis tests. */
final class RunFixtures {
  private RunFixtures() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** Text that must come out escaped wherever it lands. */
  static final String HOSTILE = "<script>alert('x')</script> & \"quoted\"";

  /**
   * A run folder of a 784-32-10 ReLU network on 28x28 images: {@code epochs} x {@code stepsPerEpoch}
   * step lines with per-layer statistics (one step with a NaN mean and an infinite ratio), epoch lines, a summary
   * with a hostile data name, dead units and a confusion matrix, and a saved model.
   */
  static Path mlpRun(Path dir, int epochs, int stepsPerEpoch) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rng = new SplittableRandom(7);
    List<String> lines = new ArrayList<>();
    int step = 0;
    for (int e = 1; e <= epochs; e++) {
      for (int i = 0; i < stepsPerEpoch; i++) {
        step++;
        double loss = 0.4 + 1.9 * Math.exp(-step / 30.0) + 0.05 * rng.nextDouble();
        ObjectNode s = stepLine(step, e, loss);
        ObjectNode layers = s.putObject("layers");
        layer(layers, "W1", 1e-3 * (1 + rng.nextDouble()), 0.05 + step * 1e-4);
        layer(layers, "W2", 3e-3 * (1 + rng.nextDouble()), 0.1);
        if (step == 5) { // non-finite values, written by Jackson as "NaN" and "Infinity"
          ((ObjectNode) layers.get("W1")).put("mean", Double.NaN);
          ((ObjectNode) layers.get("W2")).put("update_ratio", Double.POSITIVE_INFINITY);
        }
        lines.add(JSON.writeValueAsString(s));
      }
      lines.add(JSON.writeValueAsString(epochLine(e, 0.80 + 0.03 * e, 0.78 + 0.025 * e, 0.77 + 0.025 * e)));
    }
    lines.add("{\"type\":\"step\",\"step\":"); // a line cut off by a crash: skipped
    Files.write(dir.resolve(RunFiles.METRICS), lines, StandardCharsets.UTF_8);

    ObjectNode summary = JSON.createObjectNode();
    summary.put("model", "mlp");
    summary.put("architecture", "mlp 784-32-10 (relu)");
    summary.put("data", HOSTILE);
    summary.put("lr", 0.05);
    summary.put("reg", 1e-4);
    summary.put("optimizer", "adam");
    summary.put("batch_size", 128);
    summary.put("epochs", epochs);
    summary.put("train_accuracy", 0.80 + 0.03 * epochs);
    summary.put("val_accuracy", 0.78 + 0.025 * epochs);
    summary.put("test_accuracy", 0.77 + 0.025 * epochs);
    summary.put("fit_seconds", 12.5);
    summary.putArray("image_shape").add(28).add(28);
    summary.putObject("dead_units").put("h1", 0.03);
    summary.putObject("blas_executors").put("driver", "JNIBLAS -> /usr/lib/libblas.so.3");
    ObjectNode cm = summary.putObject("confusion_matrix");
    cm.put("split", "test").put("rows", "true class").put("columns", "predicted class");
    ArrayNode matrix = cm.putArray("matrix");
    for (int i = 0; i < 10; i++) {
      ArrayNode row = matrix.addArray();
      for (int j = 0; j < 10; j++) {
        row.add(i == j ? 90 : (i + j) % 3);
      }
    }
    JSON.writeValue(dir.resolve(RunFiles.SUMMARY).toFile(), summary);

    ModelSpec spec = ModelSpec.mlp(784, List.of(32), 10, "relu", 0.0);
    saveModel(dir, spec, new int[] {28, 28});
    return dir;
  }

  /** A run folder of a linear 3072-10 model on CIFAR-shaped images, in the old format (no per-layer statistics). */
  static Path cifarLinearRun(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> lines = new ArrayList<>();
    for (int s = 1; s <= 30; s++) {
      lines.add(JSON.writeValueAsString(stepLine(s, 1, 2.3 - s * 0.02)));
    }
    lines.add(JSON.writeValueAsString(epochLine(1, 0.35, 0.33, Double.NaN)));
    Files.write(dir.resolve(RunFiles.METRICS), lines, StandardCharsets.UTF_8);
    ObjectNode summary = JSON.createObjectNode();
    summary.put("model", "softmax").put("architecture", "linear 3072-10").put("data", "cifar10:/data");
    JSON.writeValue(dir.resolve(RunFiles.SUMMARY).toFile(), summary);
    saveModel(dir, ModelSpec.linear(3072, 10), new int[] {3, 32, 32});
    return dir;
  }

  private static void saveModel(Path dir, ModelSpec spec, int[] imageShape) throws IOException {
    double[] theta = new double[Model.of(spec).layout().size()];
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < theta.length; i++) {
      theta[i] = 0.05 * (rng.nextDouble() - 0.5);
    }
    ObjectNode extra = ModelFiles.object();
    ArrayNode shape = extra.putArray("image_shape");
    for (int s : imageShape) {
      shape.add(s);
    }
    ModelFiles.save(dir.resolve(RunFiles.MODEL), new ModelFiles.Saved(spec, "softmax", 10, ModelFiles.indexNames(10), false, "float32", theta, extra));
  }

  static ObjectNode stepLine(int step, int epoch, double loss) {
    ObjectNode s = JSON.createObjectNode();
    s.put("type", "step").put("step", step).put("epoch", epoch).put("loss", loss).put("data_loss", loss).put("lr", 0.05)
        .put("grad_norm", 1.0).put("rows", 128).put("seconds", 0.01).put("compute_seconds", 0.002);
    return s;
  }

  static ObjectNode epochLine(int epoch, double train, double val, double test) {
    ObjectNode e = JSON.createObjectNode();
    e.put("type", "epoch").put("epoch", epoch).put("steps", 10).put("lr", 0.05).put("seconds", 1.0)
        .put("train_loss", 1 - train).put("train_accuracy", train).put("val_loss", 1 - val).put("val_accuracy", val);
    if (Double.isFinite(test)) {
      e.put("test_loss", 1 - test).put("test_accuracy", test);
    }
    return e;
  }

  private static void layer(ObjectNode layers, String name, double ratio, double std) {
    layers.putObject(name).put("update_ratio", ratio).put("min", -3 * std).put("max", 3 * std).put("mean", 1e-4)
        .put("std", std).put("update_min", -3 * ratio * std).put("update_max", 3 * ratio * std)
        .put("update_mean", -1e-7).put("update_std", ratio * std);
  }

  /**
   * A search folder: coarse and fine trials, one that exploded with a NaN accuracy, one with null, one with reg 0,
   * and a range edge (with hostile text) on the best trial's reg.
   */
  static Path search(Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectNode board = JSON.createObjectNode();
    ArrayNode trials = board.putArray("trials");
    SplittableRandom rng = new SplittableRandom(3);
    for (int id = 1; id <= 12; id++) {
      boolean coarse = id <= 8;
      double lr = Math.pow(10, coarse ? -4 + 4 * rng.nextDouble() : -2 + 0.5 * rng.nextDouble());
      ObjectNode t = trials.addObject();
      t.put("id", id).put("stage", coarse ? "coarse" : "fine").put("lr", lr).put("reg", Math.pow(10, -5 + 3 * rng.nextDouble()));
      t.putArray("hidden").add(256);
      t.put("batch_size", 256).put("optimizer", "sgd").put("epochs", 2);
      t.put("best_val_accuracy", 0.6 + 0.02 * id).put("best_epoch", 2).put("stop_reason", "epochs");
      t.put("initial_loss", 2.3).put("final_loss", 0.5).put("seconds", 3.5).put("note", id == 4 ? HOSTILE : "");
    }
    trials.addObject().put("id", 13).put("stage", "coarse").put("lr", 3.0).put("reg", 1e-4).put("best_val_accuracy",
        Double.NaN).put("stop_reason", "loss exploded (3x initial)");
    trials.addObject().put("id", 14).put("stage", "coarse").put("lr", 9.0).put("reg", 1e-3).putNull("best_val_accuracy")
        .put("stop_reason", "diverged (NaN)");
    trials.addObject().put("id", 15).put("stage", "fine").put("lr", 0.01).put("reg", 0.0).put("best_val_accuracy", 0.71)
        .putArray("hidden");
    board.put("best", 12);
    board.put("budget", "15 trials");
    board.putArray("range_edges").addObject().put("setting", "reg").put("value", 2e-6).put("lo", 1e-6).put("hi", 1e-2)
        .put("edge", "bottom").put("position", 0.075).put("message", "best reg 2e-6 sits at the bottom edge of [1e-6, 0.01]"
            + " (8% of the way in log space): widen the range downwards " + HOSTILE);
    JSON.writeValue(dir.resolve(SearchReport.LEADERBOARD).toFile(), board);
    return dir;
  }

  /** A run in memory: per epoch, the step losses given, and optional per-layer update ratios for every step. */
  static RunFiles series(double[][] lossPerEpoch, Map<String, Double> ratios, ObjectNode summary, double[][] accuracies) {
    List<RunFiles.Step> steps = new ArrayList<>();
    int step = 0;
    for (int e = 0; e < lossPerEpoch.length; e++) {
      for (double loss : lossPerEpoch[e]) {
        Map<String, RunFiles.WeightStats> layers = new LinkedHashMap<>();
        ratios.forEach((name, r) -> layers.put(name, new RunFiles.WeightStats(r, -0.1, 0.1, 0, 0.03, -r, r, 0, r / 3)));
        steps.add(new RunFiles.Step(++step, e + 1, loss, loss, 0.1, 1, 0.01, layers));
      }
    }
    List<RunFiles.Epoch> epochs = new ArrayList<>();
    for (int e = 0; e < accuracies.length; e++) {
      epochs.add(new RunFiles.Epoch(e + 1, 0.1, 1, 0.5, accuracies[e][0], 0.6, accuracies[e][1], Double.NaN, Double.NaN));
    }
    if (accuracies.length > 0 && !summary.has("train_accuracy")) {
      summary.put("train_accuracy", accuracies[accuracies.length - 1][0]);
      summary.put("val_accuracy", accuracies[accuracies.length - 1][1]);
    }
    return RunFiles.of(null, steps, epochs, summary);
  }

  /** {@code n} losses falling geometrically from {@code from} to {@code to}. */
  static double[] falling(int n, double from, double to) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = from * Math.pow(to / from, n == 1 ? 1 : i / (double) (n - 1));
    }
    return v;
  }
}
