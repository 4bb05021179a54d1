package io.downhill.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.checkpoint.CheckpointStore;
import io.downhill.checkpoint.Checkpointing;
import io.downhill.data.DataSpec;
import io.downhill.linalg.Blas;
import io.downhill.linalg.Numbers;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.ml.DownhillClassificationModel;
import io.downhill.ml.DownhillRegressionModel;
import io.downhill.ml.WarmStart;
import io.downhill.model.Model;
import io.downhill.model.ModelFiles;
import io.downhill.model.ModelSpec;
import io.downhill.monitor.ConsoleReporter;
import io.downhill.monitor.DeadUnits;
import io.downhill.monitor.Diagnosis;
import io.downhill.monitor.MetricsWriter;
import io.downhill.monitor.Report;
import io.downhill.monitor.RunFiles;
import io.downhill.sanity.RateFinder;
import io.downhill.settings.SettingValues;
import io.downhill.shard.Split;
import io.downhill.spark.DataLoader;
import io.downhill.spark.GradientTaskCounter;
import io.downhill.spark.Preprocess;
import io.downhill.spark.SparkGradientSource;
import io.downhill.spark.SparkSessions;
import io.downhill.spark.TrainingData;
import io.downhill.train.EpochRecord;
import io.downhill.train.Fit;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingResult;
import io.downhill.train.TrainingSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.util.Identifiable$;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code downhill train}: read, block and cache the data, train with minibatch SGD, save. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a linear classifier (or regressor: --loss squared) with data-parallel minibatch SGD on Spark.",
        "Writes DIR/summary.json, DIR/metrics.jsonl and DIR/model/ (all at once, when training succeeds)."})
final class TrainCommand implements Callable<Integer> {
  @Mixin
  TrainOptions train;
  @Mixin
  DataOptions data;
  @Mixin
  SparkOptions sparkOptions;
  @Mixin
  TransportOptions steps;
  @Mixin
  CheckpointOptions checkpoint;
  @Mixin
  InitModelOptions init;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output folder (default: runs/DATA-MODEL); an earlier run there is replaced when this one succeeds")
  Path out;

  @Mixin
  ConfOption conf;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter console = spec.commandLine().getOut();
    TrainingConfig config = train.config();
    DataSpec trainSpec = data.trainSpec(console);
    DataSpec testSpec = data.testSpec();
    DataLoader.Settings settings = data.settings(trainSpec, testSpec, config.seed(), config.precision())
        .withRegression(Losses.parse(config.loss()).regression());
    checkpoint.validate(config);
    init.validate(config);
    Path target = out != null ? out : Path.of("runs", Names.of(trainSpec) + "-" + train.modelName());

    try (RunOutput output = RunOutput.create(target, "train"); Session session = new Session(sparkOptions, "downhill train", output.target())) {
      GradientTaskCounter counter = new GradientTaskCounter();
      session.jsc.sc().addSparkListener(counter);
      WarmStart parent = init.load(session.spark);
      settings = init.settings(settings, given("--preprocess"));
      TrainingData td = DataLoader.load(session.spark, settings, init.kept());
      try {
        int k = td.labels().numClasses();
        config = config.sizedFor(td.trainRows());
        Fit fit = Fit.of(config, td.features(), k, "--model " + train.modelName(), trainSpec.toString());
        if (parent != null) {
          parent.check(fit.model().spec(), fit.loss().name(), td.labels(), null, describe(trainSpec) + ", preprocess "
              + td.preprocess().label());
        }
        RateFinder.Choice auto = null;
        if (config.autoRate()) {
          auto = RateFinder.pick(fit, td.train().first(), parent == null ? null : parent.theta());
          config = config.withRate(auto.rate());
          fit = Fit.of(config, td.features(), k, "--model " + train.modelName(), trainSpec.toString());
        }
        Model model = fit.model();
        Loss loss = fit.loss();
        ModelSpec modelSpec = model.spec();
        Map<String, String> executorBlas = SparkSessions.executorBlas(session.jsc);
        console.printf(Locale.ROOT, "data: %s: %d train, %d validation, %d test rows; %d features, %s; "
                + "preprocess %s%s%n", describe(trainSpec), td.trainRows(), td.validationRows(), td.testRows(),
            td.features(), k == 0 ? td.labels().describe() + " (regression)" : k + " classes ("
                + td.labels().describe() + ")", td.preprocess().label(),
            td.classWeights() == null ? "" : "; class weights " + Arrays.toString(td.classWeights()));
        console.printf(Locale.ROOT, "model: %s, %s loss (%d parameters), %s%n", modelSpec.describe(),
            loss.name(), model.layout().size(), parent == null ? config.model().initializer() + " initialization"
                : "weights of " + parent.describe() + ", preprocessing " + (init.keep() ? "kept" : "refitted")
                    + "; fresh optimizer state, schedule from epoch 1");
        if (auto != null) {
          console.println(auto.describe());
        }
        String lrSource = Summary.lrSource(train.values().isSet(TrainingSettings.LEARNING_RATE), auto, config);
        console.printf(Locale.ROOT, "optimizer: %s, lr %s (%s) %s, batch %d, %d epoch%s, regularization %s%s%s; %s, "
                + "%d partitions on %s%n", config.optimizer().describe(), Numbers.compact(config.learningRate()),
            lrSource, config.schedule().describe(), config.batchSize(), config.epochs(), config.epochs() == 1 ? "" : "s",
            config.regularizer().describe(), config.maxNorm() > 0 ? ", max-norm " + config.maxNorm() : "",
            config.earlyStopping().enabled() ? ", early stopping on " + config.earlyStopping().metric()
                + " (patience " + config.earlyStopping().patience() + ")" : "",
            config.precision(), td.train().getNumPartitions(), session.master());
        console.printf("BLAS: driver %s; executors %s%n", Blas.describe(), executorBlas);

        CheckpointStore store = checkpoint.enabled() ? checkpoint.store(session.spark.sparkContext().hadoopConfiguration())
            : null;
        CheckpointStore.Loaded resumed = resume(store, output.dir(), console);
        if (resumed != null && parent != null) {
          console.println("checkpoints: the checkpoint's weights and position win over --init-model (whose weights it "
              + "started from)");
        }
        Path metricsFile = output.dir().resolve("metrics.jsonl");
        TrainingResult result;
        SparkGradientSource.Transport transport;
        int depth;
        String sync;
        try (SparkGradientSource source = steps.apply(new SparkGradientSource(session.jsc, td, fit.computer()));
             MetricsWriter metrics = new MetricsWriter(metricsFile, resumed != null)) {
          transport = source.transport();
          depth = source.depth();
          sync = source.describeSync(config);
          console.printf("steps: %s%n", sync);
          Checkpointing checkpoints = store == null ? null
              : checkpoint.checkpointing(store, settings(config, trainSpec, td)
                  + (parent == null ? "" : "; " + parent.identity() + ", preprocess " + init.mode()), () -> {
                metrics.flush();
                return List.of(metricsFile);
              });
          if (checkpoints != null) {
            console.printf("checkpoints: %s into %s (keeping %d)%n", checkpoints.describe(), store.location(),
                checkpoint.keep());
          }
          result = fit.withCheckpoints(checkpoints, resumed == null ? null : resumed.state())
              .run(source, parent == null ? null : parent.theta(),
                  List.of(metrics, new ConsoleReporter(console, config.epochs())));
        }
        ObjectNode summary = Summary.train(config, train.modelName(), trainSpec, testSpec, td, model, loss, result,
            session.master(), executorBlas, counter);
        Summary.putRate(summary, lrSource, auto);
        if (parent != null) {
          summary.put("init", "init-model");
          summary.set("init_model", parent.record(init.mode()));
        }
        summary.put("sync", sync);
        summary.put("weights_transport", transport.name().toLowerCase(Locale.ROOT));
        summary.put("tree_depth", depth);
        if (td.imageShape() != null) {
          var shape = summary.putArray("image_shape");
          for (int s : td.imageShape()) {
            shape.add(s);
          }
        }
        if (!model.spec().isLinear()) {
          // dead ReLUs on up to 2,000 held-out rows (training rows when there is no validation split)
          var rows = (td.validation() != null ? td.validation() : td.train()).first().head(2000);
          var dead = summary.putObject("dead_units");
          DeadUnits.fractions(model, result.theta(), rows).forEach(dead::put);
        }
        Summary.write(output.dir().resolve("summary.json"), summary);
        saveModel(output.dir().resolve("model"), model, loss, td, config, train.values(), trainSpec, result.theta(),
            summary);
        Report.write(output.dir());
        List<Diagnosis.Finding> findings = Diagnosis.of(RunFiles.read(output.dir()));
        output.commit();
        if (store != null) {
          store.clear(); // the run is complete: a rerun with --resume starts afresh instead of at the end
        }
        EpochRecord best = result.best();
        Split shown = Summary.shownSplit(best);
        int ran = result.epochs().size();
        console.printf(Locale.ROOT, "%s %s after %d epoch%s%s (%.1f s, %.1f s per epoch, median step %.1f ms)%n",
            shown.key(), scores(best.get(shown)), ran, ran == 1 ? "" : "s",
            result.stopReason().equals("epochs") ? "" : ", " + result.stopReason()
                + (result.bestEpoch() == ran - 1 ? "" : "; weights of epoch " + (result.bestEpoch() + 1) + " kept"),
            result.fitSeconds(), result.secondsPerEpoch(), 1000 * result.medianStepSeconds());
        console.println("diagnosis:");
        findings.forEach(f -> console.println("  " + f));
        console.println("saved: " + output.target() + " (report: " + output.target().resolve(Report.FILE) + ")");
        return ExitCodes.OK;
      } finally {
        td.unpersist();
      }
    }
  }

  /** "accuracy 0.8412", or a regression's "RMSE 0.512, MAE 0.401, R² 0.873". */
  static String scores(io.downhill.shard.Evaluation e) {
    return e.isRegression() ? String.format(Locale.ROOT, "RMSE %.4g, MAE %.4g, R² %.4f", e.rmse(), e.mae(), e.r2())
        : String.format(Locale.ROOT, "accuracy %.4f", e.accuracy());
  }

  /** Whether {@code option} was given on the command line or in the --conf file (not left at its default). */
  private boolean given(String option) {
    var provider = spec.defaultValueProvider();
    try {
      return spec.commandLine().getParseResult().hasMatchedOption(option)
          || provider != null && provider.defaultValue(spec.findOption(option)) != null;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * With {@code --resume}: the newest complete checkpoint (its metrics.jsonl restored into
   * {@code dir}), or null when there is none or no resume was asked for (a directory with
   * checkpoints is refused then). Skipped checkpoints are reported on the console.
   */
  private CheckpointStore.Loaded resume(CheckpointStore store, Path dir, PrintWriter console) throws java.io.IOException {
    if (store == null) {
      return null;
    }
    CheckpointStore.Loaded l = store.begin(checkpoint.resume(), "--checkpoint-dir " + store.location(), "--resume",
        line -> console.println("checkpoints: " + line));
    if (l.state() == null) {
      return null;
    }
    for (var a : l.attachments().entrySet()) {
      java.nio.file.Files.write(dir.resolve(a.getKey()), a.getValue());
    }
    return l;
  }

  /**
   * What a checkpoint must have been written with to be resumed: every training setting, and the
   * data's identity (source, rows, features, classes, partitions, content fingerprint).
   */
  static String settings(TrainingConfig config, DataSpec spec, TrainingData td) {
    return config + "; data " + spec.text() + ": " + td.identity();
  }

  private static String describe(DataSpec spec) {
    return spec.kind() == DataSpec.Kind.SYNTHETIC || spec.text().equals(spec.path()) ? spec.text()
        : spec.text() + " (" + spec.path() + ")";
  }

  /**
   * {@code model/}: a Spark ML {@code PipelineModel} of the fitted preprocessing stages (when there
   * are any) and the {@link DownhillClassificationModel} (a regression: {@link DownhillRegressionModel}),
   * in Spark's format, the training summary
   * inside the Downhill stage. {@code PipelineModel.load(".../model")} predicts on raw features.
   * Spark ML's writers write part of it (metadata, the MLlib stages' data) from executor tasks: on
   * a cluster of several hosts {@code --out} must be on storage every host mounts at the same path.
   */
  static void saveModel(Path dir, Model model, Loss loss, TrainingData td, TrainingConfig config,
      SettingValues settings, DataSpec spec, double[] theta, ObjectNode summary) {
    ObjectNode extra = ModelFiles.object();
    extra.put("data", spec.text());
    extra.put("features", td.features());
    extra.put("preprocess", td.preprocess().label());
    if (td.imageShape() != null) {
      var shape = extra.putArray("image_shape");
      for (int s : td.imageShape()) {
        shape.add(s);
      }
    }
    ModelFiles.Saved saved = new ModelFiles.Saved(model.spec(), loss.name(), td.labels().numClasses(),
        ModelFiles.indexNames(td.labels().numClasses()), td.labels().isPlusMinusOne(), config.precision().label(),
        theta, extra);
    PredictionModel<?, ?> downhill = loss.regression()
        ? new DownhillRegressionModel(Identifiable$.MODULE$.randomUID("downhillRegressor"), saved, summary.toString())
            .withTrainingSettings(settings)
        : new DownhillClassificationModel(Identifiable$.MODULE$.randomUID("downhill"), saved, summary.toString())
            .withTrainingSettings(settings);
    List<Transformer> stages = new java.util.ArrayList<>();
    if (td.preprocessing() != null) {
      stages.addAll(Arrays.asList(td.preprocessing().stages()));
      downhill.setFeaturesCol(Preprocess.OUTPUT);
    }
    stages.add(downhill);
    try {
      // a file: URI, not a bare path: a bare path would resolve against fs.defaultFS (HDFS on most clusters)
      new PipelineModel(Identifiable$.MODULE$.randomUID("pipeline"), stages).write()
          .save(io.downhill.spark.HadoopOpener.local(dir));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot save the model to " + dir, e);
    }
  }

  /** Short names for default output folders. */
  static final class Names {
    private Names() {}

    static String of(DataSpec spec) {
      if (spec.kind() == DataSpec.Kind.SYNTHETIC || DataSpec.NAMED.contains(spec.text())) {
        return spec.text();
      }
      String name = Path.of(spec.path()).getFileName().toString().replaceAll("\\.[A-Za-z0-9]+$", "");
      return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-");
    }
  }
}
