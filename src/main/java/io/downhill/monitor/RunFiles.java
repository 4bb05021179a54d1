package io.downhill.monitor;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.model.ModelFiles;
import io.downhill.shard.Evaluation;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A finished (or interrupted) run's output folder, read back from files only, without Spark:
 * {@code metrics.jsonl} (a {@link Step} per step line, an {@link Epoch} per epoch line),
 * {@code summary.json} (kept as JSON) and, on demand, the saved model in {@code model/}.
 *
 * <p>Reading is lenient, because a report is most wanted for runs that went wrong: missing files
 * give empty lists, an unparsable line (a run killed mid-write) is skipped, a missing number is NaN,
 * and {@code "NaN"}/{@code "Infinity"} (as Jackson writes non-finite doubles) read back as such.
 * The per-layer {@code layers} object of step lines is optional (older files lack it, or its
 * {@code update_*} statistics).
 */
public final class RunFiles {
  public static final String METRICS = "metrics.jsonl";
  public static final String SUMMARY = "summary.json";
  public static final String MODEL = "model";

  static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /**
   * One weight matrix after one step: ‖ΔW‖/‖W‖ of the step's update, the weights' distribution and
   * the update's ({@code update_*}, NaN in files written before they were recorded).
   */
  public record WeightStats(double updateRatio, double min, double max, double mean, double std, double updateMin,
      double updateMax, double updateMean, double updateStd) {}

  /**
   * One step line; counts from 1.
   *
   * @param layers per weight matrix in layer order ({@code W}, or {@code W1, W2, ...}); empty when the
   *               file has none
   */
  public record Step(int step, int epoch, double loss, double dataLoss, double lr, double gradNorm, double seconds,
      Map<String, WeightStats> layers) {
    public Step {
      layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }
  }

  /**
   * One epoch line; counts from 1. A split that was not evaluated has NaN loss and accuracy; a
   * regression run has NaN accuracies and its RMSE per split instead (NaN for a classifier).
   */
  public record Epoch(int epoch, double lr, double seconds, double trainLoss, double trainAccuracy, double valLoss,
      double valAccuracy, double testLoss, double testAccuracy, double trainRmse, double valRmse, double testRmse) {

    /** The epoch of a classifier: no RMSE. */
    public Epoch(int epoch, double lr, double seconds, double trainLoss, double trainAccuracy, double valLoss,
        double valAccuracy, double testLoss, double testAccuracy) {
      this(epoch, lr, seconds, trainLoss, trainAccuracy, valLoss, valAccuracy, testLoss, testAccuracy, Double.NaN,
          Double.NaN, Double.NaN);
    }

    /** The RMSE of {@code split} ({@code train}, {@code val} or {@code test}) of a regression run; NaN if absent. */
    public double rmse(String split) {
      return switch (split) {
        case "train" -> trainRmse;
        case "val" -> valRmse;
        case "test" -> testRmse;
        default -> Double.NaN;
      };
    }

    /** The accuracy of {@code split} ({@code train}, {@code val} or {@code test}); NaN if absent. */
    public double accuracy(String split) {
      return switch (split) {
        case "train" -> trainAccuracy;
        case "val" -> valAccuracy;
        case "test" -> testAccuracy;
        default -> Double.NaN;
      };
    }

    /** The loss of {@code split} ({@code train}, {@code val} or {@code test}); NaN if absent. */
    public double loss(String split) {
      return switch (split) {
        case "train" -> trainLoss;
        case "val" -> valLoss;
        case "test" -> testLoss;
        default -> Double.NaN;
      };
    }
  }

  private final Path dir;
  private final List<Step> steps;
  private final List<Epoch> epochs;
  private final JsonNode summary;

  private RunFiles(Path dir, List<Step> steps, List<Epoch> epochs, JsonNode summary) {
    this.dir = dir;
    this.steps = List.copyOf(steps);
    this.epochs = List.copyOf(epochs);
    this.summary = summary == null || !summary.isObject() ? JSON.createObjectNode() : summary;
  }

  /** Reads {@code dir/metrics.jsonl} and {@code dir/summary.json}; either may be missing. */
  public static RunFiles read(Path dir) throws IOException {
    List<Step> steps = new ArrayList<>();
    List<Epoch> epochs = new ArrayList<>();
    Path metrics = dir.resolve(METRICS);
    if (Files.isRegularFile(metrics)) {
      try (BufferedReader in = Files.newBufferedReader(metrics, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          JsonNode node = parseLine(line);
          switch (node.path("type").asText()) {
            case "step" -> steps.add(step(node));
            case "epoch" -> epochs.add(epoch(node));
            default -> { } // blank, unparsable or unknown lines are skipped
          }
        }
      }
    }
    JsonNode summary = null;
    Path summaryFile = dir.resolve(SUMMARY);
    if (Files.isRegularFile(summaryFile)) {
      try {
        summary = JSON.readTree(summaryFile.toFile());
      } catch (IOException e) {
        summary = null; // a truncated summary: report what the metrics say
      }
    }
    return new RunFiles(dir, steps, epochs, summary);
  }

  /** A run held in memory (tests, or a caller that has the records already); {@code dir} may be null. */
  public static RunFiles of(Path dir, List<Step> steps, List<Epoch> epochs, JsonNode summary) {
    return new RunFiles(dir, steps, epochs, summary);
  }

  private static JsonNode parseLine(String line) {
    if (line.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private static Step step(JsonNode n) {
    Map<String, WeightStats> layers = new LinkedHashMap<>();
    JsonNode l = n.path("layers");
    if (l.isObject()) {
      for (Map.Entry<String, JsonNode> e : l.properties()) {
        JsonNode s = e.getValue();
        layers.put(e.getKey(), new WeightStats(num(s.path("update_ratio")), num(s.path("min")), num(s.path("max")),
            num(s.path("mean")), num(s.path("std")), num(s.path("update_min")), num(s.path("update_max")),
            num(s.path("update_mean")), num(s.path("update_std"))));
      }
    }
    return new Step(n.path("step").asInt(), n.path("epoch").asInt(), num(n.path("loss")), num(n.path("data_loss")),
        num(n.path("lr")), num(n.path("grad_norm")), num(n.path("seconds")), layers);
  }

  private static Epoch epoch(JsonNode n) {
    return new Epoch(n.path("epoch").asInt(), num(n.path("lr")), num(n.path("seconds")), num(n.path("train_loss")),
        num(n.path("train_accuracy")), num(n.path("val_loss")), num(n.path("val_accuracy")), num(n.path("test_loss")),
        num(n.path("test_accuracy")), num(n.path("train_rmse")), num(n.path("val_rmse")), num(n.path("test_rmse")));
  }

  /** A JSON number as a double: NaN for a missing or null node; "NaN", "Infinity" and "-Infinity" strings parse. */
  static double num(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return Double.NaN;
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isTextual()) {
      try {
        return Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** The folder read (null for a run built in memory). */
  public Path dir() {
    return dir;
  }

  public List<Step> steps() {
    return steps;
  }

  public List<Epoch> epochs() {
    return epochs;
  }

  /** {@code summary.json} as read; an empty object when missing. */
  public JsonNode summary() {
    return summary;
  }

  /** A number of {@code summary.json}, NaN when absent or not a number. */
  public double number(String key) {
    return num(summary.path(key));
  }

  /** A text of {@code summary.json}, "" when absent. */
  public String text(String key) {
    JsonNode n = summary.path(key);
    return n.isValueNode() ? n.asText() : "";
  }

  /** The weight matrices named in the step lines, in order of first appearance (layer order). */
  public List<String> layerNames() {
    Set<String> names = new LinkedHashSet<>();
    for (Step s : steps) {
      names.addAll(s.layers().keySet());
    }
    return List.copyOf(names);
  }

  /** {@code summary.json}'s {@code dead_units}: hidden layer name to the fraction of dead units; empty when absent. */
  public Map<String, Double> deadUnits() {
    Map<String, Double> out = new LinkedHashMap<>();
    JsonNode d = summary.path("dead_units");
    if (d.isObject()) {
      d.properties().forEach(e -> out.put(e.getKey(), num(e.getValue())));
    }
    return out;
  }

  /**
   * The shape of one input image, {@code [h, w]} or {@code [c, h, w]} (channels first), from
   * {@code summary.json} or else the model's metadata; empty for non-image data.
   */
  public Optional<int[]> imageShape(Optional<ModelFiles.Saved> model) {
    Optional<int[]> fromSummary = shape(summary.path("image_shape"));
    if (fromSummary.isPresent()) {
      return fromSummary;
    }
    return model.flatMap(m -> shape(m.extra().path("image_shape")));
  }

  private static Optional<int[]> shape(JsonNode n) {
    if (!n.isArray() || n.size() < 2 || n.size() > 3) {
      return Optional.empty();
    }
    int[] s = new int[n.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = n.get(i).asInt(0);
      if (s[i] <= 0) {
        return Optional.empty();
      }
    }
    return Optional.of(s);
  }

  /** The saved model in {@code dir/model}, if there is one that loads. */
  public Optional<ModelFiles.Saved> loadModel() {
    if (dir == null || !Files.isDirectory(dir.resolve(MODEL))) {
      return Optional.empty();
    }
    try {
      return Optional.of(ModelFiles.load(dir.resolve(MODEL)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Writes {@code content} to {@code target} through a temporary file in the same folder and a move. */
  public static void writeAtomically(Path target, String content) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    Path tmp = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp); // only left when the write or the move failed
    }
  }

  /**
   * Puts a metric, or JSON null where it is undefined (NaN: an accuracy of no rows) or infinite:
   * JSON has no such numbers, and Jackson would write the string "NaN". ({@link #num} reads both back.)
   */
  public static void putMetric(ObjectNode o, String field, double value) {
    if (Double.isFinite(value)) {
      o.put(field, value);
    } else {
      o.putNull(field);
    }
  }

  /**
   * A split's scores under {@code prefix} ("train", "val", "test"): {@code PREFIX_accuracy} for a
   * classifier; {@code PREFIX_rmse}, {@code PREFIX_mae} and {@code PREFIX_r2} for regression.
   */
  public static void putScores(ObjectNode o, String prefix, Evaluation e) {
    if (e.isRegression()) {
      putMetric(o, prefix + "_rmse", e.rmse());
      putMetric(o, prefix + "_mae", e.mae());
      putMetric(o, prefix + "_r2", e.r2());
    } else {
      putMetric(o, prefix + "_accuracy", e.accuracy());
    }
  }

  /** A fresh JSON object (for building a summary in memory). */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }
}
