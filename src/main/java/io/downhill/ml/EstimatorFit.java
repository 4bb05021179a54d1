package io.downhill.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.checkpoint.CheckpointStore;
import io.downhill.checkpoint.Checkpointing;
import io.downhill.data.DataSpec;
import io.downhill.loss.Loss;
import io.downhill.model.Model;
import io.downhill.model.ModelFiles;
import io.downhill.sanity.RateFinder;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import io.downhill.spark.SparkGradientSource;
import io.downhill.spark.TrainingData;
import io.downhill.train.Fit;
import io.downhill.train.TrainerState;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingResult;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code fit} does for {@link DownhillClassifier} and {@link DownhillRegressor} alike, from the
 * DataFrame Spark's {@code Predictor.fit} hands over to the stored model and its summary: block and
 * cache the rows (no preprocessing: a pipeline's stages do that), set up the run from the Params
 * ({@link Fit}), start from an initial model and keep checkpoints when asked, train exactly as
 * {@code downhill train} does, and write the summary.
 */
final class EstimatorFit {
  private static final Logger LOG = LoggerFactory.getLogger(EstimatorFit.class);

  private EstimatorFit() {}

  /** A fitted model's parts: what {@code data/} stores, and {@code summary.json}. */
  record Fitted(ModelFiles.Saved saved, String summaryJson) {}

  /**
   * Fits {@code config} on {@code dataset}.
   *
   * @param owner      the estimator (its Params name the columns, partitions, checkpoints ...)
   * @param name       the estimator's class name, for messages ("DownhillRegressor")
   * @param classes    k from the label column's metadata, 0 when unknown (or regression)
   * @param regression the labels are real-valued targets (the squared loss)
   * @param classNames checks the labels of the loaded data and returns the class names the model keeps
   *                   (null: "0".."k-1", and none for regression)
   */
  static <E extends Params & DownhillParams> Fitted fit(E owner, String name, TrainingConfig config,
      Dataset<?> dataset, String labelCol, String featuresCol, int classes, boolean regression,
      Function<TrainingData, List<String>> classNames) {
    String uid = owner.uid();
    if (config.earlyStopping().enabled() && owner.getValidationFraction() == 0) {
      throw BadInputException.of(name + " earlyStopping " + owner.getEarlyStopping(), "early stopping without "
          + "validation rows", "validationFraction > 0", "validationFraction 0");
    }
    SparkSession spark = dataset.sparkSession();
    String weight = owner.getWeightCol().isEmpty() ? null : owner.getWeightCol();
    DataLoader.Settings settings = DataLoader.Settings.builder(DataSpec.dataFrame("DataFrame given to " + uid))
        .valFraction(owner.getValidationFraction()).seed(config.seed()).partitions(owner.getNumPartitions())
        .precision(config.precision()).blockRows(owner.getBlockRows()).preprocess(Preprocess.NONE).numClasses(classes)
        .labelCol(labelCol).featuresCol(featuresCol).weightCol(weight).regression(regression).build();
    TrainingData td = DataLoader.load(spark, dataset.toDF(), null, settings);
    try {
      List<String> names = classNames.apply(td);
      int k = td.labels().numClasses();
      config = config.sizedFor(td.trainRows());
      Fit fit = Fit.of(config, td.features(), k, name + " modelType " + owner.getModelType(), null);
      WarmStart parent = null;
      if (!owner.getInitialModel().isEmpty()) {
        parent = WarmStart.load(spark, owner.getInitialModel(), name + " initialModel " + owner.getInitialModel());
        parent.check(fit.model().spec(), fit.loss().name(), td.labels(), names, "featuresCol " + featuresCol);
      }
      RateFinder.Choice auto = null;
      if (config.autoRate()) {
        auto = RateFinder.pick(fit, td.train().first(), parent == null ? null : parent.theta());
        LOG.info("{}", auto.describe());
        config = config.withRate(auto.rate());
        fit = Fit.of(config, td.features(), k, name + " modelType " + owner.getModelType(), null);
      }
      Model model = fit.model();
      Loss lossFn = fit.loss();
      CheckpointStore store = null;
      if (!owner.getCheckpointDir().isEmpty()) {
        store = new CheckpointStore(owner.getCheckpointDir(), owner.getCheckpointKeep(),
            spark.sparkContext().hadoopConfiguration());
        TrainerState state = store.begin(owner.getResume(), name + " checkpointDir "
            + owner.getCheckpointDir(), "resume true", line -> LOG.warn("checkpoints: {}", line)).state();
        fit = fit.withCheckpoints(Checkpointing.of(store, owner.getCheckpointEvery(),
            config + "; data " + td.identity() + (parent == null ? "" : "; " + parent.identity()), List::of), state);
      }
      // only θ from a parent: its preprocessing stages, if any, are the caller's pipeline's
      String[] sync = new String[1];
      TrainingConfig sized = config;
      TrainingResult result = fit.run(c -> {
        SparkGradientSource source = new SparkGradientSource(JavaSparkContexts.of(spark), td, c)
            .sync(owner.getSync(), java.time.Duration.ofSeconds(owner.getCollectiveTimeout()));
        sync[0] = source.describeSync(sized);
        return source;
      }, parent == null ? null : parent.theta(), List.of());
      if (store != null) {
        store.clear();
      }
      ObjectNode summary = DownhillSummary.JSON.createObjectNode();
      summary.put("estimator", uid);
      ObjectNode params = summary.putObject("settings");
      for (var pair : scala.jdk.javaapi.CollectionConverters.asJava(owner.extractParamMap().toSeq())) {
        @SuppressWarnings("unchecked")
        Param<Object> param = (Param<Object>) pair.param();
        params.put(param.name(), param.jsonEncode(pair.value()));
      }
      summary.put("lr", config.learningRate());
      summary.put("lr_source", auto != null ? "auto"
          : owner.isSet(owner.learningRate()) ? "given" : owner.getOptimizer() + "'s default");
      if (auto != null) {
        summary.put("lr_auto", auto.describe());
      }
      summary.put("batch_size", config.batchSize());
      summary.put("epochs", config.epochs());
      DownhillSummary.fill(summary, td, result);
      summary.put("sync", sync[0]);
      if (parent != null) {
        summary.set("init_model", parent.record(null));
      }
      ModelFiles.Saved saved = new ModelFiles.Saved(model.spec(), lossFn.name(), k,
          names != null ? names : ModelFiles.indexNames(k), false, config.precision().label(), result.theta(),
          ModelFiles.object());
      return new Fitted(saved, summary.toString());
    } finally {
      td.unpersist();
    }
  }
}
