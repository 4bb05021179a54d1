package io.downhill.tuning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The trials of a search, best first, as {@code leaderboard.csv} (a column per searched setting)
 * and {@code leaderboard.json} ({@code {"best": id, "range_edges": [...], "trials": [...]}}; the
 * best trial's log-range settings at an edge of their range, see {@link RangeEdge}).
 */
public final class Leaderboard {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Leaderboard() {}

  /**
   * Writes both files into {@code dir}; {@code ranked} is best first. {@code facts} (the search's
   * summary: spaces, stage timings, the sharing comparison) go flattened into the JSON's root, so
   * the report can show them beside the trials.
   */
  public static void write(Path dir, List<TrialResult> ranked, SearchSpace space,
      com.fasterxml.jackson.databind.JsonNode facts) throws IOException {
    Set<String> keys = new LinkedHashSet<>(space.dimensions().keySet());
    keys.add("epochs");
    List<String> header = new ArrayList<>(List.of("rank", "trial", "stage"));
    header.addAll(keys);
    header.addAll(List.of("epochs_run", "best_epoch", "best_val_accuracy", "best_val_loss", "initial_loss",
        "final_loss", "steps", "seconds", "stop_reason"));
    try (Writer w = Files.newBufferedWriter(dir.resolve("leaderboard.csv"), StandardCharsets.UTF_8)) {
      w.write(String.join(",", header) + "\n");
      int rank = 1;
      for (TrialResult t : ranked) {
        List<String> row = new ArrayList<>(List.of(Integer.toString(rank++), Integer.toString(t.id()), t.stage()));
        for (String k : keys) {
          row.add(csv(t.settings().getOrDefault(k, "")));
        }
        row.addAll(List.of(Integer.toString(t.epochs()), Integer.toString(t.bestEpoch()), num(t.bestValAccuracy()),
            num(t.bestValLoss()), num(t.initialLoss()), num(t.finalLoss()), Long.toString(t.steps()),
            String.format(Locale.ROOT, "%.2f", t.seconds()), csv(t.stopReason())));
        w.write(String.join(",", row) + "\n");
      }
    }
    ObjectNode root = JSON.createObjectNode();
    ArrayNode trials = root.putArray("trials");
    for (TrialResult t : ranked) {
      ObjectNode o = trials.addObject();
      o.put("id", t.id());
      o.put("stage", t.stage());
      t.settings().forEach((k, v) -> putSetting(o, k, v));
      o.put("epochs_run", t.epochs());
      o.put("best_epoch", t.bestEpoch());
      putNumber(o, "best_val_accuracy", t.bestValAccuracy());
      putNumber(o, "best_val_loss", t.bestValLoss());
      putNumber(o, "initial_loss", t.initialLoss());
      putNumber(o, "final_loss", t.finalLoss());
      o.put("steps", t.steps());
      o.put("seconds", t.seconds());
      o.put("stop_reason", t.stopReason());
    }
    ranked.stream().filter(t -> t.theta() != null).findFirst().ifPresent(t -> {
      root.put("best", t.id());
      RangeEdge.json(RangeEdge.of(space, t.settings()), root.putArray("range_edges"));
    });
    if (facts != null) {
      flatten("", facts, root);
    }
    JSON.writeValue(dir.resolve("leaderboard.json").toFile(), root);
  }

  /** Scalars of {@code node} into {@code root} as "a.b" keys (the best trial, already there, is skipped). */
  private static void flatten(String prefix, com.fasterxml.jackson.databind.JsonNode node, ObjectNode root) {
    node.properties().forEach(e -> {
      String key = prefix + e.getKey();
      if (key.equals("best") || key.startsWith("best.settings")) {
        return;
      }
      if (e.getValue().isObject()) {
        flatten(key + ".", e.getValue(), root);
      } else if (!e.getValue().isArray()) {
        root.set(key, e.getValue());
      }
    });
  }

  /** Numbers as numbers, hidden sizes as arrays, the rest as text. */
  private static void putSetting(ObjectNode o, String k, String v) {
    if (k.equals("hidden")) {
      ArrayNode a = o.putArray(k);
      for (String part : v.split(",")) {
        a.add(Integer.parseInt(part.trim()));
      }
      return;
    }
    try {
      o.put(k, Double.parseDouble(v));
    } catch (NumberFormatException e) {
      o.put(k, v);
    }
  }

  /** NaN (no finished epoch) as null: JSON has no NaN. */
  private static void putNumber(ObjectNode o, String k, double v) {
    if (Double.isFinite(v)) {
      o.put(k, v);
    } else {
      o.putNull(k);
    }
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
  }

  private static String csv(String v) {
    return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }
}
