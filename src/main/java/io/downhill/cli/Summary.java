package io.downhill.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.data.DataSpec;
import io.downhill.linalg.Blas;
import io.downhill.loss.Loss;
import io.downhill.ml.DownhillSummary;
import io.downhill.model.Model;
import io.downhill.monitor.RunFiles;
import io.downhill.sanity.RateFinder;
import io.downhill.shard.Evaluation;
import io.downhill.shard.Split;
import io.downhill.spark.GradientTaskCounter;
import io.downhill.spark.TrainingData;
import io.downhill.train.EpochRecord;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@code summary.json}: the settings, the outcome and the timings of a run, flat and greppable. */
final class Summary {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Summary() {}

  static ObjectNode train(TrainingConfig config, String modelName, DataSpec trainSpec, DataSpec testSpec,
      TrainingData td, Model model, Loss loss, TrainingResult result, String master, Map<String, String> executorBlas,
      GradientTaskCounter counter) {
    ObjectNode s = JSON.createObjectNode();
    s.put("command", "train");
    s.put("java_version", System.getProperty("java.version"));
    s.put("model", modelName);
    s.put("architecture", model.spec().describe());
    s.put("parameters", model.layout().size());
    s.put("loss", loss.name());
    s.put("init", config.model().initializer().toString());
    s.put("optimizer", config.optimizer().name());
    s.put("optimizer_settings", config.optimizer().describe());
    s.put("lr", config.learningRate());
    s.put("schedule", config.schedule().describe());
    s.put("lr_decay", config.schedule().decay());
    s.put("reg", config.regularizer().lambda());
    s.put("l1_ratio", config.regularizer().l1Ratio());
    s.put("regularization", config.regularizer().describe());
    s.put("max_norm", config.maxNorm());
    s.put("dropout", config.model().dropout());
    s.put("init_scale", config.model().initScale());
    s.put("epochs", config.epochs());
    s.put("early_stopping", config.earlyStopping().metric());
    s.put("steps_per_epoch", result.stepsPerEpoch());
    s.put("batch_size", config.batchSize());
    s.put("partitions", td.train().getNumPartitions());
    s.put("precision", config.precision().label());
    s.put("seed", config.seed());
    s.put("master", master);
    s.put("data", trainSpec.text());
    s.put("data_path", trainSpec.path());
    if (testSpec != null) {
      s.put("test_data", testSpec.text());
    }
    s.put("preprocess", td.preprocess().label());
    s.put("features", td.features());
    s.put("classes", td.labels().numClasses());
    s.put("train_rows", td.trainRows());
    s.put("val_rows", td.validationRows());
    s.put("test_rows", td.testRows());
    s.put("cached_mb", td.cachedBytes() / 1048576.0);
    EpochRecord last = result.best(); // the weights kept: the last epoch's, or the best one's with early stopping
    for (Split split : Split.values()) {
      Evaluation e = last.get(split);
      if (loss.regression()) {
        RunFiles.putScores(s, split.key(), e == null ? Evaluation.regression() : e); // RMSE, MAE, R²
      } else {
        RunFiles.putMetric(s, split.key() + "_accuracy", e == null ? Double.NaN : e.accuracy());
      }
      RunFiles.putMetric(s, split.key() + "_loss", e == null ? Double.NaN : e.loss());
    }
    DownhillSummary.fill(s, td, result); // versions, data identity, per-epoch metrics, how training ended
    // The objective being minimised, over the whole training split at the final weights.
    RunFiles.putMetric(s, "final_loss",
        last.train().loss() + config.regularizer().penalty(result.theta(), model.layout()));
    s.put("seconds_per_epoch", result.secondsPerEpoch());
    s.put("seconds_per_step", result.medianStepSeconds());
    s.put("blas", Blas.describe());
    ObjectNode blas = s.putObject("blas_executors");
    executorBlas.forEach(blas::put);
    ObjectNode tasks = s.putObject("gradient_tasks_by_executor");
    counter.tasksByExecutor().forEach(tasks::put);
    s.put("gradient_jobs", counter.jobs());
    if (loss.regression()) {
      return s; // no classes, no confusion matrix
    }
    Split shown = shownSplit(last);
    ObjectNode confusion = s.putObject("confusion_matrix");
    confusion.put("split", shown.key());
    confusion.put("rows", "true class");
    confusion.put("columns", "predicted class");
    ArrayNode matrix = confusion.putArray("matrix");
    for (long[] row : last.get(shown).confusionMatrix()) {
      ArrayNode r = matrix.addArray();
      for (long v : row) {
        r.add(v);
      }
    }
    return s;
  }

  /**
   * Where the learning rate came from, as the console and summary.json say it: "given", "auto", or
   * e.g. "adam's default".
   */
  static String lrSource(boolean given, RateFinder.Choice auto, TrainingConfig config) {
    return auto != null ? "auto" : given ? "given" : config.optimizer().name() + "'s default";
  }

  /**
   * {@code lr_source} and, for an auto rate, {@code lr_auto} (the console line: what was chosen and why)
   * and {@code lr_sweep} (each candidate's loss after the sweep's steps, null where it exploded).
   */
  static void putRate(ObjectNode summary, String source, RateFinder.Choice auto) {
    summary.put("lr_source", source);
    if (auto != null) {
      summary.put("lr_auto", auto.describe());
      ObjectNode sweep = summary.putObject("lr_sweep");
      auto.trials().forEach(t -> RunFiles.putMetric(sweep, io.downhill.linalg.Numbers.compact(t.lr()),
          t.trend() == io.downhill.sanity.SanityChecks.Trend.EXPLODES ? Double.NaN : t.lastLoss()));
    }
  }

  /** The split whose accuracy (or RMSE) a run reports first: test, else validation, else train. */
  static Split shownSplit(EpochRecord last) {
    return last.test() != null ? Split.TEST : last.validation() != null ? Split.VALIDATION : Split.TRAIN;
  }

  /**
   * The seed a saved model was trained with, its training summary's {@code seed} (the synthetic dataset's
   * rows depend on it, so evaluating or scoring that dataset must use the same); 42, the default,
   * when the summary does not say.
   */
  static long trainingSeed(com.fasterxml.jackson.databind.JsonNode seed) {
    return seed != null && seed.canConvertToLong() ? seed.asLong() : 42L;
  }

  static void write(Path file, ObjectNode summary) throws IOException {
    JSON.writeValue(file.toFile(), summary);
  }
}
