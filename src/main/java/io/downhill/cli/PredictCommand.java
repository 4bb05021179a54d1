package io.downhill.cli;

import static io.downhill.train.TrainingSettings.NUM_PARTITIONS;
import static io.downhill.train.TrainingSettings.SEED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.ml.DownhillClassificationModel;
import io.downhill.ml.DownhillModel;
import io.downhill.ml.DownhillRegressionModel;
import io.downhill.model.ModelFiles;
import io.downhill.monitor.RunFiles;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.spark.ScoringInput;
import io.downhill.spark.Version;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;

/**
 * {@code downhill predict}: a saved model (the whole PipelineModel, preprocessing included)
 * applied to data by Spark ({@code transform}, then Spark's Parquet or CSV writer: no row passes
 * through the driver), written all at once like {@code train}'s output:
 * {@code PATH/predictions/} (the part files) and {@code PATH/summary.json}. A regression model
 * (squared loss) writes the id and its real-valued prediction.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Score data with a saved model (a run folder or its model/ folder).",
        "Writes PATH/predictions/ (Parquet or CSV: id, prediction, class_name, probabilities, raw scores; a regression "
            + "model: id, prediction) and PATH/summary.json, all at once when it succeeds."})
final class PredictCommand implements Callable<Integer>, ShowsSettings {
  static final String PREDICTION = "prediction";
  static final String CLASS_NAME = "class_name";
  static final String PROBABILITY = "probability";
  static final String RAW = "raw_scores";
  static final String PREDICTIONS_DIR = "predictions";
  private static final String ID = "__downhill_id";

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A run folder or its model/ folder")
  Path modelDir;

  @Option(names = "--data", required = true, paramLabel = "SPEC",
      description = "Data to score: fashion-mnist, mnist, synthetic, idx:DIR, cifar10:DIR, libsvm:FILE, parquet:PATH, "
          + "csv:PATH (labels not needed)")
  String data;

  @Option(names = "--out", required = true, paramLabel = "PATH",
      description = "Output folder; a previous predict output there is replaced when this run succeeds")
  Path out;

  @Option(names = "--format", paramLabel = "F", defaultValue = "parquet",
      description = "parquet (probability and raw_scores as arrays) or csv (prob_0..prob_K-1, raw_0..raw_K-1 "
          + "columns, with a header) (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--split", paramLabel = "S",
      description = "test or train: which split of idx:/cifar10:/named/synthetic data (default: test); "
          + "not for file formats")
  String split;

  @Option(names = "--id-col", paramLabel = "NAME",
      description = "Id column of Parquet/CSV data, carried into the output (default: none; the output gets row_id, "
          + "the row's position in the input)")
  String idCol;

  @Mixin
  SourceOptions source;

  @Mixin
  ConfOption conf;

  @Mixin
  SparkOptions sparkOptions;

  @Spec
  CommandSpec spec;

  @Override
  public List<ShownSetting> settings() {
    return List.of(ShownSetting.of(NUM_PARTITIONS).doc("Partitions (and output files): for idx/cifar10/synthetic "
            + "0 is the master's cores; file formats keep Spark's splits unless given"),
        ShownSetting.of(SEED).doc("Seed of the synthetic dataset").defaultText("the model's training seed, else 42")
            .in(Setting.Group.DATA));
  }

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    PrintWriter console = spec.commandLine().getOut();
    String fmt = format.trim().toLowerCase(Locale.ROOT);
    if (!fmt.equals("parquet") && !fmt.equals("csv")) {
      throw BadInputException.of("--format", "unknown output format", "parquet or csv", "'" + format + "'");
    }
    SettingValues settings = SettingOptions.values(spec);
    int partitions = settings.get(NUM_PARTITIONS);
    DataSpec dataSpec = source.spec(data);
    boolean test = test(dataSpec);
    if (idCol != null && dataSpec.kind() != DataSpec.Kind.PARQUET && dataSpec.kind() != DataSpec.Kind.CSV) {
      throw BadInputException.of("--id-col " + idCol, "no id column in this format",
          "parquet: or csv: data (other formats get row_id, the row's position)", dataSpec.text());
    }
    Path dir = Files.isDirectory(modelDir.resolve("model")) ? modelDir.resolve("model") : modelDir;
    refuseOverlap(dir, "the model", dataSpec);
    ModelFiles.load(dir); // checks θ, the architecture and the class names before Spark starts

    try (RunOutput output = RunOutput.create(out, "predict");
        Session session = new Session(sparkOptions, "downhill predict", output.target())) {
      long scoringStart = System.nanoTime();
      PipelineModel pipeline = load(dir);
      DownhillModel downhill = downhillStage(pipeline, dir);
      int width = inputWidth(pipeline);
      String inputCol = inputColumn(pipeline.stages()[0]);
      long dataSeed = settings.isSet(SEED) ? settings.get(SEED)
          : Summary.trainingSeed(downhill.hasSummary() ? downhill.summary().get("seed") : null);
      ScoringInput.Input input = ScoringInput.read(session.spark, dataSpec, new ScoringInput.Options(test,
          partitions > 0 ? partitions : dataSpec.bringsTestSplit() ? session.jsc.defaultParallelism() : 0, width,
          idCol, source.featuresCol, source.labelCol, dataSeed));
      if (input.features() != width) {
        throw BadInputException.of(dataSpec.text(), "dimension mismatch with the model " + dir, width + " features",
            input.features() + " features");
      }
      List<String> names = downhill instanceof DownhillClassificationModel c ? c.classNames() : List.of();
      String id = input.idColumn();
      List<String> columns = downhill instanceof DownhillClassificationModel ? outputColumns(names.size(), fmt)
          : List.of(PREDICTION);
      if (columns.contains(id)) {
        throw BadInputException.of("--id-col " + id, "id column named like an output column",
            "a name other than " + columns, id);
      }
      Dataset<Row> frame = input.frame().withColumnRenamed(id, ID).withColumnRenamed(ScoringInput.FEATURES, inputCol);
      Dataset<Row> transformed = pipeline.transform(frame);
      Dataset<Row> scored = (downhill instanceof DownhillClassificationModel c ? output(transformed, c, names, fmt)
          : transformed.select(col(ID), col(((DownhillRegressionModel) downhill).getPredictionCol()).as(PREDICTION)))
          .withColumnRenamed(ID, id);
      String where = io.downhill.spark.HadoopOpener.local(output.dir().resolve(PREDICTIONS_DIR)); // file:, not fs.defaultFS
      if (fmt.equals("csv")) {
        scored.write().option("header", "true").csv(where);
      } else {
        scored.write().parquet(where);
      }
      // what was written, read back: one small column, so counting costs no second pass of the model
      Dataset<Row> written = fmt.equals("csv")
          ? session.spark.read().option("header", "true").schema(scored.schema()).csv(where)
          : session.spark.read().parquet(where);
      if (downhill instanceof DownhillRegressionModel) {
        return regressionDone(written, output, dir, dataSpec, test, fmt, id, start, scoringStart, session, console);
      }
      int k = names.size();
      long[] counts = written.select(PREDICTION).as(Encoders.INT()).javaRDD().mapPartitions(it -> {
        long[] c = new long[k];
        it.forEachRemaining(p -> c[p]++);
        return List.of(c).iterator();
      }).fold(new long[k], PredictCommand::add); // one stage, no shuffle
      long rows = Arrays.stream(counts).sum();
      double scoring = (System.nanoTime() - scoringStart) / 1e9;
      double seconds = (System.nanoTime() - start) / 1e9;
      ObjectNode summary = summary(dir, dataSpec, test, fmt, id, names, counts, rows, seconds, scoring,
          session.master());
      Summary.write(output.dir().resolve("summary.json"), summary);
      output.commit();
      console.printf(Locale.ROOT, "predicted %d rows of %s in %.1f s (%.0f rows/s; %.1f s with Spark's start): %s (%s)%n",
          rows, describe(dataSpec, test), scoring, rows / scoring, seconds, output.target().resolve(PREDICTIONS_DIR),
          fmt);
      StringBuilder line = new StringBuilder("classes:");
      for (int c = 0; c < counts.length; c++) {
        line.append(' ').append(names.get(c)).append(' ').append(counts[c]);
      }
      console.println(line);
      return ExitCodes.OK;
    }
  }

  /**
   * The end of a regression model's run: the written predictions summarized in one pass (rows,
   * min, mean, max), summary.json, the commit and the console line.
   */
  private int regressionDone(Dataset<Row> written, RunOutput output, Path dir, DataSpec dataSpec, boolean test,
      String fmt, String id, long start, long scoringStart, Session session, PrintWriter console) throws Exception {
    Row stats = written.agg(functions.count(col(PREDICTION)), functions.min(col(PREDICTION)),
        functions.avg(col(PREDICTION)), functions.max(col(PREDICTION))).first();
    long rows = stats.getLong(0);
    double scoring = (System.nanoTime() - scoringStart) / 1e9;
    double seconds = (System.nanoTime() - start) / 1e9;
    ObjectNode summary = summary(dir, dataSpec, test, fmt, id, List.of(), new long[0], rows, seconds, scoring,
        session.master());
    double min = stats.isNullAt(1) ? Double.NaN : stats.getDouble(1);
    double mean = stats.isNullAt(2) ? Double.NaN : stats.getDouble(2);
    double max = stats.isNullAt(3) ? Double.NaN : stats.getDouble(3);
    ObjectNode predicted = Summary.JSON.createObjectNode(); // in place of the classifier's rows per class
    RunFiles.putMetric(predicted, "min", min);
    RunFiles.putMetric(predicted, "mean", mean);
    RunFiles.putMetric(predicted, "max", max);
    summary.set("predicted", predicted);
    Summary.write(output.dir().resolve("summary.json"), summary);
    output.commit();
    console.printf(Locale.ROOT, "predicted %d rows of %s in %.1f s (%.0f rows/s; %.1f s with Spark's start): %s (%s)%n",
        rows, describe(dataSpec, test), scoring, rows / scoring, seconds, output.target().resolve(PREDICTIONS_DIR), fmt);
    console.printf(Locale.ROOT, "predictions (regression): min %.6g, mean %.6g, max %.6g%n", min, mean, max);
    return ExitCodes.OK;
  }

  /**
   * A successful run replaces {@code --out}: refuse one that holds (or is inside) the model or
   * local input data, which the replacement would delete.
   */
  private void refuseOverlap(Path model, String what, DataSpec dataSpec) {
    Path target = out.toAbsolutePath().normalize();
    List<Path> inputs = new ArrayList<>(List.of(model.toAbsolutePath().normalize()));
    Path data = dataSpec.path().isEmpty() ? null : io.downhill.spark.HadoopOpener.localFile(dataSpec.path());
    if (data != null) { // data on HDFS or S3 cannot be where a local --out is
      inputs.add(data.toAbsolutePath().normalize());
    }
    for (Path in : inputs) {
      if (in.startsWith(target) || target.startsWith(in)) {
        throw BadInputException.of("--out " + out, "output overlaps an input", "a folder apart from the model and "
            + "the data (a successful run replaces it)", in.equals(inputs.get(0)) ? what + " at " + in : "the data at " + in);
      }
    }
  }

  private static long[] add(long[] a, long[] b) {
    long[] sum = a.clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += b[i];
    }
    return sum;
  }

  /** Whether to read the test split: directory formats only, the test split unless --split train. */
  private boolean test(DataSpec dataSpec) {
    if (split == null) {
      return true;
    }
    String s = split.trim().toLowerCase(Locale.ROOT);
    if (!s.equals("test") && !s.equals("train")) {
      throw BadInputException.of("--split", "unknown split", "test or train", "'" + split + "'");
    }
    if (!dataSpec.bringsTestSplit()) {
      throw BadInputException.of("--split " + split, "no splits in this format",
          "idx:, cifar10:, a named dataset or synthetic (file formats are scored whole)", dataSpec.text());
    }
    return s.equals("test");
  }

  private static String describe(DataSpec spec, boolean test) {
    return spec.bringsTestSplit() ? spec.text() + " (" + (test ? "test" : "train") + " split)" : spec.text();
  }

  /** The saved PipelineModel, or a bare saved Downhill model as a one-stage pipeline. */
  private static PipelineModel load(Path dir) {
    String uri = io.downhill.spark.HadoopOpener.local(dir);
    try {
      if (Files.isDirectory(dir.resolve("stages"))) {
        return io.downhill.ml.SavedModels.loadPipeline(uri); // files checked against their CRCs first
      }
      return new PipelineModel(Identifiable$.MODULE$.randomUID("pipeline"),
          new Transformer[] {ModelFiles.load(dir).loss().equals(ModelFiles.REGRESSION_LOSS)
              ? DownhillRegressionModel.load(uri) : DownhillClassificationModel.load(uri)});
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw BadInputException.of(dir.toString(), "unreadable model", "a PipelineModel saved by downhill train",
          e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  private static DownhillModel downhillStage(PipelineModel pipeline, Path dir) {
    Transformer[] stages = pipeline.stages();
    for (int i = stages.length - 1; i >= 0; i--) {
      if (stages[i] instanceof DownhillModel m) {
        if (i != stages.length - 1) {
          throw BadInputException.of(dir.toString(), "a pipeline predict cannot read", "the Downhill stage last",
              "stage " + i + " of " + stages.length);
        }
        return m;
      }
    }
    throw BadInputException.of(dir.toString(), "not a Downhill model", "a pipeline with a Downhill stage",
        "none among " + stages.length + " stages");
  }

  /** The raw width the pipeline takes in: its first stage's (a StandardScaler's or PCA's), else the model's. */
  private static int inputWidth(PipelineModel pipeline) {
    Transformer first = pipeline.stages()[0];
    if (first instanceof org.apache.spark.ml.feature.StandardScalerModel s) {
      return s.mean().size();
    }
    if (first instanceof org.apache.spark.ml.feature.PCAModel p) {
      return p.pc().numRows();
    }
    return ((DownhillModel) pipeline.stages()[pipeline.stages().length - 1]).numFeatures();
  }

  /** The column the first stage reads: its inputCol (MLlib feature stages) or featuresCol (a classifier). */
  private static String inputColumn(Params first) {
    for (String name : new String[] {"inputCol", "featuresCol"}) {
      if (first.hasParam(name)) {
        return (String) first.getOrDefault(first.getParam(name));
      }
    }
    return ScoringInput.FEATURES;
  }


  /** The written columns: id, prediction (int), class_name, then probability and raw_scores (or flattened for CSV). */
  private static Dataset<Row> output(Dataset<Row> scored, DownhillClassificationModel m, List<String> names,
      String fmt) {
    List<Column> select = new ArrayList<>();
    select.add(col(ID));
    Column prediction = col(m.getPredictionCol()).cast("int");
    select.add(prediction.as(PREDICTION));
    select.add(functions.element_at(functions.array(names.stream().map(functions::lit).toArray(Column[]::new)),
        prediction.plus(1)).as(CLASS_NAME));
    Column probability = vector_to_array(col(m.getProbabilityCol()), "float64");
    Column raw = vector_to_array(col(m.getRawPredictionCol()), "float64");
    if (fmt.equals("csv")) {
      for (int c = 0; c < names.size(); c++) {
        select.add(probability.getItem(c).as("prob_" + c));
      }
      for (int c = 0; c < names.size(); c++) {
        select.add(raw.getItem(c).as("raw_" + c));
      }
    } else {
      select.add(probability.as(PROBABILITY));
      select.add(raw.as(RAW));
    }
    return scored.select(select.toArray(new Column[0]));
  }

  private static List<String> outputColumns(int k, String fmt) {
    List<String> names = new ArrayList<>(List.of(PREDICTION, CLASS_NAME));
    if (fmt.equals("csv")) {
      for (int c = 0; c < k; c++) {
        names.add("prob_" + c);
        names.add("raw_" + c);
      }
    } else {
      names.add(PROBABILITY);
      names.add(RAW);
    }
    return names;
  }

  private static ObjectNode summary(Path dir, DataSpec spec, boolean test, String fmt, String id, List<String> names,
      long[] counts, long rows, double seconds, double scoring, String master) {
    ObjectNode s = Summary.JSON.createObjectNode();
    s.put("command", "predict");
    s.put("model", dir.toAbsolutePath().toString());
    s.put("data", spec.text());
    if (spec.bringsTestSplit()) {
      s.put("split", test ? "test" : "train");
    }
    s.put("format", fmt);
    s.put("predictions", PREDICTIONS_DIR + "/");
    s.put("id_column", id);
    s.put("rows", rows);
    ArrayNode classes = s.putArray("predicted");
    for (int c = 0; c < counts.length; c++) {
      classes.addObject().put("class", c).put("name", names.get(c)).put("rows", counts[c]);
    }
    s.put("seconds", seconds); // the whole command, Spark's start included
    s.put("scoring_seconds", scoring); // loading the model, reading, scoring, writing and counting
    s.put("rows_per_second", rows / scoring);
    s.put("master", master);
    s.put("downhill_version", Version.DOWNHILL);
    return s;
  }
}
