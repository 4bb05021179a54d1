package io.downhill.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.monitor.RunFiles;
import io.downhill.shard.Evaluation;
import io.downhill.shard.Split;
import io.downhill.spark.TrainingData;
import io.downhill.spark.Version;
import io.downhill.train.EpochRecord;
import io.downhill.train.TrainingResult;
import java.util.Locale;

/**
 * Writes the training summary saved with a model ({@code summary.json}): settings, Downhill and
 * Spark versions, the data's fingerprint, one entry per epoch (rate, steps, seconds, loss and
 * accuracy per split) and the final accuracies of the weights kept. The command line's
 * {@code summary.json} has the same fields and more (timings, BLAS, confusion matrix). A model
 * reads it back as a {@link DownhillTrainingSummary}.
 */
public final class DownhillSummary {
  static final ObjectMapper JSON = new ObjectMapper();

  private DownhillSummary() {}

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
    data.put("classes", td.labels().numClasses()); // 0: real-valued labels (regression)
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
        RunFiles.putScores(o, split.key(), ev);
      }
    }
  }
}
