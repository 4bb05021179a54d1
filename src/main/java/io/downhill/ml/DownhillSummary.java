package io.downhill.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.monitor.RunFiles;
import io.downhill.spark.TrainingData;
import io.downhill.spark.Version;
import io.downhill.train.EpochRecord;
import io.downhill.shard.Evaluation;
import io.downhill.shard.Split;
import io.downhill.train.TrainingResult;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The training summary saved with a model ({@code summary.json}): settings, Downhill and Spark
 * versions, the data's fingerprint, one entry per epoch (rate, steps, seconds, loss and accuracy
 * per split) and the final accuracies of the weights kept. The command line's {@code summary.json}
 * has the same fields and more (timings, BLAS, confusion matrix).
 */
public final class DownhillSummary implements Serializable {
  private static final long serialVersionUID = 1L;
  static final ObjectMapper JSON = new ObjectMapper();
  private final String json;
  private transient JsonNode node;

  private DownhillSummary(String json) {
    this.json = json;
  }

  public static DownhillSummary parse(String json) {
    return new DownhillSummary(json);
  }

  /** The summary as JSON text. */
  public String json() {
    return json;
  }

  /** One field, e.g. {@code get("val_accuracy")}, {@code get("data_identity").get("fingerprint")}. */
  public JsonNode get(String field) {
    return node().path(field);
  }

  public int epochs() {
    return node().path("epoch_metrics").size();
  }

  /** Per epoch, a split's mean data loss ({@code "train"}, {@code "val"}, {@code "test"}); NaN where absent. */
  public double[] loss(String split) {
    return perEpoch(split + "_loss");
  }

  /** Per epoch, a split's accuracy; NaN where absent. */
  public double[] accuracy(String split) {
    return perEpoch(split + "_accuracy");
  }

  private double[] perEpoch(String field) {
    JsonNode epochs = node().path("epoch_metrics");
    double[] out = new double[epochs.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = epochs.get(i).path(field);
      out[i] = v.isNumber() ? v.asDouble() : Double.NaN;
    }
    return out;
  }

  private JsonNode node() {
    if (node == null) {
      try {
        node = JSON.readTree(json);
      } catch (IOException e) {
        throw new UncheckedIOException("invalid summary JSON", e);
      }
    }
    return node;
  }

  /**
   * Adds what every Downhill summary has to {@code s}: versions, the data's identity, the epochs,
   * the final accuracies and losses of the weights kept, how training ended.
   */
  public static ObjectNode fill(ObjectNode s, TrainingData td, TrainingResult result) {
    versions(s);
    ObjectNode data = s.putObject("data_identity");
    data.put("train_rows", td.trainRows());
    data.put("validation_rows", td.validationRows());
    data.put("features", td.features());
    data.put("classes", td.labels().numClasses());
    data.put("partitions", td.train().getNumPartitions());
    data.put("preprocess", td.preprocess().label());
    data.put("fingerprint", String.format(Locale.ROOT, "%016x", td.fingerprint()));
    s.putObject("cache").put("storage", td.storage()).put("bytes", td.cachedBytes());
    ArrayNode epochs = s.putArray("epoch_metrics");
    for (EpochRecord e : result.epochs()) {
      ObjectNode o = epochs.addObject();
      o.put("epoch", e.epoch() + 1);
      o.put("lr", e.lr());
      o.put("steps", e.steps());
      o.put("seconds", e.stepSeconds());
      put(o, e);
    }
    EpochRecord best = result.best();
    put(s, best);
    s.put("epochs_run", result.epochs().size());
    s.put("best_epoch", result.bestEpoch() + 1);
    s.put("stop_reason", result.stopReason());
    s.put("steps", result.steps());
    s.put("fit_seconds", result.fitSeconds());
    return s;
  }

  /** The Downhill and Spark versions, in every summary. */
  public static ObjectNode versions(ObjectNode s) {
    s.put("downhill_version", Version.DOWNHILL);
    s.put("spark_version", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    return s;
  }

  private static void put(ObjectNode o, EpochRecord e) {
    for (Split split : Split.values()) {
      Evaluation ev = e.get(split);
      if (ev != null) {
        RunFiles.putMetric(o, split.key() + "_loss", ev.loss());
        RunFiles.putMetric(o, split.key() + "_accuracy", ev.accuracy());
      }
    }
  }
}
