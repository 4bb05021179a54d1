package io.downhill.cli;

import static io.downhill.train.TrainingSettings.NUM_PARTITIONS;
import static io.downhill.train.TrainingSettings.SEED;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.data.Labels;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.ml.DownhillModel;
import io.downhill.ml.SavedModels;
import io.downhill.model.Model;
import io.downhill.model.ModelFiles;
import io.downhill.monitor.RunFiles;
import io.downhill.settings.SettingValues;
import io.downhill.shard.Evaluation;
import io.downhill.shard.ShardComputer;
import io.downhill.spark.Blockify;
import io.downhill.spark.Preprocess;
import io.downhill.spark.Sources;
import io.downhill.spark.SparkGradientSource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.util.Identifiable$;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code downhill evaluate}: accuracy, loss and confusion matrix of a saved model on data; RMSE, MAE,
 * R² and loss for a regression model.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate a saved model (the model/ folder of a training run, or the run folder itself).",
        "By default on the test split of the data it was trained on."})
final class EvaluateCommand implements Callable<Integer>, ShowsSettings {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A run folder or its model/ folder")
  Path modelDir;

  @Option(names = "--data", paramLabel = "SPEC",
      description = "Data to evaluate on: its test split for IDX/CIFAR/synthetic, else all of it (default: the training data)")
  String data;

  @Option(names = "--test-data", paramLabel = "SPEC", description = "Evaluate on this instead (its test split for directories)")
  String testData;

  @Mixin
  SourceOptions sourceOptions;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the evaluation as JSON to FILE (atomically)")
  Path out;

  @Mixin
  ConfOption conf;

  @Mixin
  SparkOptions sparkOptions;

  @Spec
  CommandSpec spec;

  @Override
  public List<ShownSetting> settings() {
    return List.of(ShownSetting.of(NUM_PARTITIONS).doc("Partitions of the data; 0 for the master's cores"),
        ShownSetting.of(SEED).doc("Seed of the synthetic dataset").defaultText("the model's training seed, else 42"));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter console = spec.commandLine().getOut();
    checkOut(out);
    Path dir = Files.isDirectory(modelDir.resolve("model")) ? modelDir.resolve("model") : modelDir;
    ModelFiles.Saved saved = ModelFiles.load(dir);
    Model model = Model.of(saved.spec());
    Loss loss;
    Precision precision;
    try {
      loss = Losses.parse(saved.loss());
      precision = Precision.parse(saved.precision());
    } catch (IllegalArgumentException e) {
      throw BadInputException.of(dir.toString(), "invalid model data",
          "a known loss and precision", e.getMessage());
    }
    Labels labels = loss.regression() ? Labels.real()
        : saved.plusMinusOne() ? Labels.plusMinusOne() : Labels.classes(saved.classes());
    String dataText = testData != null ? testData : data != null ? data : saved.extra().path("data").asText(null);
    if (dataText == null) {
      throw BadInputException.of("--data", "no data to evaluate on", "--data or --test-data", "neither, and the model "
          + "does not record its training data");
    }
    DataSpec dataSpec = sourceOptions.spec(dataText);
    if (loss.regression() && dataSpec.bringsTestSplit()) {
      throw BadInputException.of(dataSpec.text(), "a regression model on a classification data set",
          "real-valued labels: libsvm:, csv: or parquet: data", "class labels only (the model " + dir + " is a "
              + "regression, squared loss)");
    }
    SettingValues settings = SettingOptions.values(spec);
    int partitions = settings.get(NUM_PARTITIONS);
    com.fasterxml.jackson.databind.JsonNode trained = ModelFiles.trainingSummary(dir);
    long dataSeed = settings.isSet(SEED) ? settings.get(SEED)
        : Summary.trainingSeed(trained == null ? null : trained.get("seed"));

    try (Session session = new Session(sparkOptions, "downhill evaluate")) {
      int p = partitions > 0 ? partitions : session.jsc.defaultParallelism();
      PipelineModel preprocessing = preprocessing(dir);
      // the raw features the saved stages take in: the first StandardScaler's width (pca:K changes d), else d
      int inputs = preprocessing == null ? model.inputs()
          : ((StandardScalerModel) preprocessing.stages()[0]).mean().size();
      Sources.Loaded source = Sources.read(session.spark, dataSpec, dataSpec.bringsTestSplit(),
          new Sources.Options(p, inputs, sourceOptions.labelCol, sourceOptions.featuresCol, null, dataSeed));
      if (source.features() != inputs) {
        throw BadInputException.of(dataSpec.text(), "data of another width than the model " + dir, inputs
            + " features (the model's input width)", source.features() + " features");
      }
      JavaRDD<Shard> shards = Blockify.shards(Preprocess.apply(preprocessing, source.frame()), labels, model.inputs(), precision,
          Blockify.autoBlockRows(model.inputs(), precision), false, null, "evaluation data (" + dataSpec.text() + ") for the model " + dir + " ("
              + (loss.regression() ? "regression" : saved.classes() + " classes") + ")");
      ShardComputer computer = new ShardComputer(model, loss, saved.classes(), precision, 0L);
      Broadcast<io.downhill.linalg.Buf> theta = session.jsc.broadcast(computer.params(saved.theta()));
      Evaluation eval = SparkGradientSource.evaluate(shards, computer, theta::value, 1);
      theta.destroy();
      String split = dataSpec.bringsTestSplit() ? "test split of " + dataSpec.text() : dataSpec.text();
      if (eval.isRegression()) {
        console.printf(Locale.ROOT, "%s: RMSE %.6g, MAE %.6g, R² %.4f (%d rows), loss %.6g%n", split, eval.rmse(),
            eval.mae(), eval.r2(), eval.rows(), eval.loss());
      } else {
        console.printf(Locale.ROOT, "%s: accuracy %.4f (%d of %d rows), loss %.4f%n", split, eval.accuracy(),
            eval.correct(), eval.rows(), eval.loss());
        printConfusion(console, eval);
      }
      if (out != null) {
        writeJson(out, dir, split, eval);
      }
      return ExitCodes.OK;
    }
  }

  /**
   * The preprocessing stages in front of the classifier when {@code dir} is a saved PipelineModel
   * (the command line's {@code model/}), as one PipelineModel; null when there are none.
   */
  private static PipelineModel preprocessing(Path dir) {
    if (!Files.isDirectory(dir.resolve("stages"))) {
      return null;
    }
    Transformer[] stages = SavedModels.loadPipeline(io.downhill.spark.HadoopOpener.local(dir)).stages();
    int downhill = 0;
    while (downhill < stages.length && !(stages[downhill] instanceof DownhillModel)) {
      Transformer t = stages[downhill];
      if (!(t instanceof StandardScalerModel) && !(t instanceof PCAModel)) {
        throw BadInputException.of(dir.toString(), "a pipeline evaluate cannot feed",
            "the preprocessing stages downhill train saves (StandardScaler, PCA) before the Downhill stage",
            "stage " + downhill + ", " + t.getClass().getSimpleName() + " (transform it in Spark instead: "
                + "PipelineModel.load(...).transform(data))");
      }
      downhill++;
    }
    return downhill == 0 ? null
        : new PipelineModel(Identifiable$.MODULE$.randomUID("preprocess"), Arrays.copyOf(stages, downhill));
  }


  /** {@code --out FILE}, checked before Spark starts: a file to (re)place, not a directory, in a directory. */
  private static void checkOut(Path file) {
    if (file == null) {
      return;
    }
    Path abs = file.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      throw BadInputException.of("--out " + file, "evaluation output is a directory", "a file path for the JSON",
          "an existing directory");
    }
    for (Path p = abs.getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw BadInputException.of("--out " + file, "evaluation output cannot be created", "a path inside a directory",
              p + " is a file");
        }
        break;
      }
    }
  }

  private static void printConfusion(PrintWriter console, Evaluation eval) {
    console.println("confusion matrix (rows: true class, columns: predicted):");
    for (long[] row : eval.confusionMatrix()) {
      StringBuilder line = new StringBuilder("  ");
      for (long v : row) {
        line.append(String.format(Locale.ROOT, "%6d", v));
      }
      console.println(line);
    }
  }

  private static void writeJson(Path file, Path modelDir, String split, Evaluation eval) throws java.io.IOException {
    ObjectNode node = Summary.JSON.createObjectNode();
    node.put("command", "evaluate");
    node.put("model", modelDir.toAbsolutePath().toString());
    node.put("data", split);
    node.put("rows", eval.rows());
    if (eval.isRegression()) {
      RunFiles.putMetric(node, "rmse", eval.rmse());
      RunFiles.putMetric(node, "mae", eval.mae());
      RunFiles.putMetric(node, "r2", eval.r2());
    } else {
      RunFiles.putMetric(node, "accuracy", eval.accuracy());
    }
    RunFiles.putMetric(node, "loss", eval.loss());
    if (!eval.isRegression()) {
      ArrayNode matrix = node.putArray("confusion_matrix");
      for (long[] row : eval.confusionMatrix()) {
        ArrayNode r = matrix.addArray();
        for (long v : row) {
          r.add(v);
        }
      }
    }
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    RunFiles.writeAtomically(abs, Summary.JSON.writeValueAsString(node));
  }
}
