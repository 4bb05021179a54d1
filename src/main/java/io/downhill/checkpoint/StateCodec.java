package io.downhill.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.shard.Evaluation;
import io.downhill.shard.Split;
import io.downhill.train.EpochRecord;
import io.downhill.train.TrainerState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link TrainerState} as the content of a checkpoint ({@link CheckpointStore}): the scalars,
 * settings and epoch records as the fields of {@code state.json}, and the arrays (θ, the
 * optimizer's arrays, the best epoch's θ) as one float64 little-endian buffer for
 * {@code arrays.bin} with a table of names, offsets and lengths. Doubles that may be NaN or
 * infinite are written as text, so every value round-trips exactly.
 */
final class StateCodec {
  static final String FORMAT = "downhill-checkpoint";
  static final int VERSION = 1;
  private static final String OPTIMIZER = "optimizer.";

  private StateCodec() {}

  /** The fields of {@code state.json} but for the table of arrays and the files. */
  static ObjectNode describe(TrainerState s) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("format", FORMAT).put("version", VERSION).put("settings", s.settings());
    o.put("epoch", s.epoch()).put("step", s.step()).put("global", s.global());
    o.put("optimizer", s.optimizer()).put("optimizer_steps", s.optimizerSteps());
    // Doubles as text: NaN and ±Infinity (no best score yet, no first loss yet) round-trip exactly.
    o.put("best_score", Double.toString(s.bestScore())).put("best_epoch", s.bestEpoch())
        .put("since_best", s.sinceBest()).put("first_loss", Double.toString(s.firstLoss()))
        .put("step_seconds", Double.toString(s.stepSeconds()));
    ArrayNode epochs = o.putArray("epochs");
    for (EpochRecord e : s.epochs()) {
      ObjectNode r = epochs.addObject();
      r.put("epoch", e.epoch()).put("lr", Double.toString(e.lr())).put("steps", e.steps())
          .put("step_seconds", e.stepSeconds()).put("eval_seconds", e.evalSeconds());
      for (Split split : Split.values()) {
        Evaluation ev = e.get(split);
        if (ev != null) {
          ObjectNode x = r.putObject(split.key());
          x.put("classes", ev.classes()).put("loss_sum", Double.toString(ev.lossSum()))
              .put("weight_sum", Double.toString(ev.weightSum()));
          ArrayNode c = x.putArray("confusion");
          for (long n : ev.confusion()) {
            c.add(n);
          }
          if (ev.isRegression()) { // the sums behind RMSE, MAE and R², exactly
            x.put("rows", ev.rows()).put("squared_errors", Double.toString(ev.squaredErrors()))
                .put("absolute_errors", Double.toString(ev.absoluteErrors()))
                .put("target_mean", Double.toString(ev.targetMean()))
                .put("target_spread", Double.toString(ev.targetSpread()));
          }
        }
      }
    }
    return o;
  }

  /** Whether {@code state.json} is of this format and version. */
  static boolean isThisFormat(JsonNode json) {
    return json != null && FORMAT.equals(json.path("format").asText()) && json.path("version").asInt() == VERSION;
  }

  /** The arrays of {@code s} as the bytes of {@code arrays.bin}, each one listed in {@code table}. */
  static byte[] arrays(TrainerState s, ArrayNode table) {
    Map<String, double[]> named = new LinkedHashMap<>();
    named.put("theta", s.theta());
    s.optimizerState().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> named.put(OPTIMIZER + e.getKey(), e.getValue()));
    if (s.bestTheta() != null) {
      named.put("best_theta", s.bestTheta());
    }
    long total = named.values().stream().mapToLong(a -> a.length).sum();
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(8 * total)).order(ByteOrder.LITTLE_ENDIAN);
    long offset = 0;
    for (Map.Entry<String, double[]> e : named.entrySet()) {
      table.addObject().put("name", e.getKey()).put("offset", offset).put("length", e.getValue().length);
      for (double v : e.getValue()) {
        buf.putDouble(v);
      }
      offset += e.getValue().length;
    }
    return buf.array();
  }

  /** The arrays of {@code arrays.bin} by name, as {@code table} lists them. */
  static Map<String, double[]> arrays(JsonNode table, byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, double[]> named = new LinkedHashMap<>();
    for (JsonNode a : table) {
      double[] v = new double[a.path("length").asInt()];
      int from = Math.toIntExact(8 * a.path("offset").asLong());
      for (int i = 0; i < v.length; i++) {
        v[i] = buf.getDouble(from + 8 * i);
      }
      named.put(a.path("name").asText(), v);
    }
    return named;
  }

  /** The state {@code json} and the {@code named} arrays describe. */
  static TrainerState state(JsonNode json, Map<String, double[]> named, String arraysFile) throws CorruptCheckpoint {
    Map<String, double[]> optimizer = new LinkedHashMap<>();
    named.forEach((k, v) -> {
      if (k.startsWith(OPTIMIZER)) {
        optimizer.put(k.substring(OPTIMIZER.length()), v);
      }
    });
    if (!named.containsKey("theta")) {
      throw new CorruptCheckpoint("no theta in " + arraysFile);
    }
    List<EpochRecord> epochs = new ArrayList<>();
    for (JsonNode e : json.path("epochs")) {
      epochs.add(new EpochRecord(e.path("epoch").asInt(), Double.parseDouble(e.path("lr").asText()),
          e.path("steps").asLong(), e.path("step_seconds").asDouble(), e.path("eval_seconds").asDouble(),
          evaluation(e.path(Split.TRAIN.key())), evaluation(e.path(Split.VALIDATION.key())),
          evaluation(e.path(Split.TEST.key()))));
    }
    return new TrainerState(json.path("settings").asText(), json.path("epoch").asInt(),
        json.path("step").asInt(), json.path("global").asLong(), named.get("theta"), json.path("optimizer").asText(),
        optimizer, json.path("optimizer_steps").asLong(), Double.parseDouble(json.path("best_score").asText()),
        named.get("best_theta"), json.path("best_epoch").asInt(), json.path("since_best").asInt(),
        Double.parseDouble(json.path("first_loss").asText()), Double.parseDouble(json.path("step_seconds").asText()),
        List.copyOf(epochs));
  }

  private static Evaluation evaluation(JsonNode x) {
    if (x.isMissingNode()) {
      return null;
    }
    if (x.path("classes").asInt() == 0) {
      return Evaluation.restoreRegression(x.path("rows").asLong(), Double.parseDouble(x.path("squared_errors").asText()),
          Double.parseDouble(x.path("absolute_errors").asText()), Double.parseDouble(x.path("target_mean").asText()),
          Double.parseDouble(x.path("target_spread").asText()), Double.parseDouble(x.path("loss_sum").asText()),
          Double.parseDouble(x.path("weight_sum").asText()));
    }
    long[] confusion = new long[x.path("confusion").size()];
    for (int i = 0; i < confusion.length; i++) {
      confusion[i] = x.path("confusion").get(i).asLong();
    }
    return Evaluation.restore(x.path("classes").asInt(), confusion, Double.parseDouble(x.path("loss_sum").asText()),
        Double.parseDouble(x.path("weight_sum").asText()));
  }
}
