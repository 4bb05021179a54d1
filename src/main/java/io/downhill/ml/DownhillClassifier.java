package io.downhill.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.checkpoint.CheckpointStore;
import io.downhill.checkpoint.Checkpointing;
import io.downhill.data.DataSpec;
import io.downhill.loss.Loss;
import io.downhill.model.Model;
import io.downhill.sanity.RateFinder;
import io.downhill.model.ModelFiles;
import io.downhill.settings.Setting;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import io.downhill.spark.SparkGradientSource;
import io.downhill.spark.TrainingData;
import io.downhill.train.Fit;
import io.downhill.train.TrainerState;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingResult;
import io.downhill.train.TrainingSettings;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downhill as a Spark ML {@code Estimator}: a {@code ProbabilisticClassifier} over a vector
 * features column and a label column of class indices 0..k-1 (a StringIndexer's output, say).
 * {@code fit} blocks and caches the rows, trains with data-parallel minibatch SGD exactly as
 * {@code downhill train} does, and returns a {@link DownhillClassificationModel}.
 *
 * <p>Its Params are the training settings of the command line ({@link TrainingSettings}, shown in
 * Spark ML; {@link DownhillParams}): {@code setLearningRate} is {@code --lr}, {@code setHiddenLayers}
 * is {@code --hidden}, with the same validation. Every value is checked when it is set (also through a
 * {@code ParamMap} or a {@code ParamGridBuilder}), with a message that says what is allowed, and a
 * choice is stored in lower case however it arrives. Settings that only clash with each other
 * (hidden layers on a linear model) are refused at {@code fit}. {@code weightCol} weighs rows;
 * {@code validationFraction} holds rows out for early stopping; {@code checkpointDir} with
 * {@code resume} continues an interrupted fit exactly; {@code initialModel} starts from a saved
 * model's weights ({@link WarmStart}).
 *
 * <p>No Java code of Downhill runs the ML API: it is Spark's {@code Predictor.fit} (schema checks,
 * label casting, copying Params to the model), and this class only implements {@code train}.
 */
public final class DownhillClassifier
    extends ProbabilisticClassifier<Vector, DownhillClassifier, DownhillClassificationModel>
    implements DownhillParams, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DownhillClassifier.class);
  private static final String NAME = "DownhillClassifier";

  private String uid; // no initializer: set by uid() while the superclass constructor runs (see Uid)
  private final SettingParams settingParams;

  public DownhillClassifier() {
    this(Identifiable$.MODULE$.randomUID("downhill"));
  }

  public DownhillClassifier(String uid) {
    this(Uid.of(uid));
  }

  private DownhillClassifier(Uid uid) {
    this.uid = uid.value;
    uid.done();
    this.settingParams = SettingParams.define(this);
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uid.pending();
    }
    return uid;
  }

  @Override
  public Param<?> param(Setting<?> setting) {
    return settingParams.get(setting);
  }

  // ---- setters: the value normalized and validated by its setting (Params and getters: DownhillParams) ----

  public DownhillClassifier setModelType(String v) { return assign(TrainingSettings.MODEL_TYPE, v); }
  public DownhillClassifier setLoss(String v) { return assign(TrainingSettings.LOSS, v); }
  public DownhillClassifier setHiddenLayers(int[] v) { return assign(TrainingSettings.HIDDEN_LAYERS, v); }
  public DownhillClassifier setActivation(String v) { return assign(TrainingSettings.ACTIVATION, v); }
  public DownhillClassifier setBatchNorm(boolean v) { return assign(TrainingSettings.BATCH_NORM, v); }
  public DownhillClassifier setInit(String v) { return assign(TrainingSettings.INIT, v); }
  public DownhillClassifier setInitScale(double v) { return assign(TrainingSettings.INIT_SCALE, v); }
  public DownhillClassifier setPrecision(String v) { return assign(TrainingSettings.PRECISION, v); }
  public DownhillClassifier setAlgorithm(String v) { return assign(TrainingSettings.ALGORITHM, v); }
  public DownhillClassifier setOptimizer(String v) { return assign(TrainingSettings.OPTIMIZER_NAME, v); }
  public DownhillClassifier setBatchSize(int v) { return assign(TrainingSettings.BATCH_SIZE, v); }
  public DownhillClassifier setEpochs(int v) { return assign(TrainingSettings.EPOCHS, v); }
  public DownhillClassifier setMomentum(double v) { return assign(TrainingSettings.MOMENTUM, v); }
  public DownhillClassifier setBeta1(double v) { return assign(TrainingSettings.BETA1, v); }
  public DownhillClassifier setBeta2(double v) { return assign(TrainingSettings.BETA2, v); }
  public DownhillClassifier setEps(double v) { return assign(TrainingSettings.EPS, v); }
  public DownhillClassifier setRho(double v) { return assign(TrainingSettings.RHO, v); }
  public DownhillClassifier setWeightDecay(double v) { return assign(TrainingSettings.WEIGHT_DECAY, v); }
  public DownhillClassifier setLineSearch(String v) { return assign(TrainingSettings.LINE_SEARCH, v); }
  public DownhillClassifier setTol(double v) { return assign(TrainingSettings.TOL, v); }
  public DownhillClassifier setTrials(int v) { return assign(TrainingSettings.TRIALS, v); }
  public DownhillClassifier setLocalSteps(int v) { return assign(TrainingSettings.LOCAL_STEPS, v); }
  public DownhillClassifier setSync(String v) { return assign(TrainingSettings.SYNC, v); }
  public DownhillClassifier setCollectiveTimeout(int v) { return assign(TrainingSettings.COLLECTIVE_TIMEOUT, v); }
  public DownhillClassifier setAbortFactor(double v) { return assign(TrainingSettings.ABORT_FACTOR, v); }
  public DownhillClassifier setSeed(long v) { return assign(TrainingSettings.SEED, v); }
  public DownhillClassifier setLearningRate(double v) { return assign(TrainingSettings.LEARNING_RATE, v); }
  public DownhillClassifier setSchedule(String v) { return assign(TrainingSettings.SCHEDULE_KIND, v); }
  public DownhillClassifier setLrDecay(double v) { return assign(TrainingSettings.LR_DECAY, v); }
  public DownhillClassifier setLrStep(double v) { return assign(TrainingSettings.LR_STEP, v); }
  public DownhillClassifier setDecayRate(double v) { return assign(TrainingSettings.DECAY_RATE, v); }
  public DownhillClassifier setLrMin(double v) { return assign(TrainingSettings.LR_MIN, v); }
  public DownhillClassifier setWarmup(double v) { return assign(TrainingSettings.WARMUP, v); }
  public DownhillClassifier setRegParam(double v) { return assign(TrainingSettings.REG, v); }
  public DownhillClassifier setL1Ratio(double v) { return assign(TrainingSettings.L1_RATIO, v); }
  public DownhillClassifier setMaxNorm(double v) { return assign(TrainingSettings.MAX_NORM, v); }
  public DownhillClassifier setDropout(double v) { return assign(TrainingSettings.DROPOUT, v); }
  public DownhillClassifier setEarlyStopping(String v) { return assign(TrainingSettings.EARLY_STOPPING, v); }
  public DownhillClassifier setPatience(int v) { return assign(TrainingSettings.PATIENCE, v); }
  public DownhillClassifier setValidationFraction(double v) { return assign(TrainingSettings.VALIDATION_FRACTION, v); }
  public DownhillClassifier setNumPartitions(int v) { return assign(TrainingSettings.NUM_PARTITIONS, v); }
  public DownhillClassifier setBlockRows(int v) { return assign(TrainingSettings.BLOCK_ROWS, v); }
  public DownhillClassifier setWeightCol(String v) { return assign(TrainingSettings.WEIGHT_COL, v); }
  public DownhillClassifier setCheckpointDir(String v) { return assign(TrainingSettings.CHECKPOINT_DIR, v); }
  public DownhillClassifier setCheckpointEvery(String v) { return assign(TrainingSettings.CHECKPOINT_EVERY, v); }
  public DownhillClassifier setCheckpointKeep(int v) { return assign(TrainingSettings.CHECKPOINT_KEEP, v); }
  public DownhillClassifier setResume(boolean v) { return assign(TrainingSettings.RESUME, v); }
  public DownhillClassifier setInitialModel(String v) { return assign(TrainingSettings.INITIAL_MODEL, v); }

  private DownhillClassifier assign(Setting<?> setting, Object value) {
    SettingParams.set(this, setting, value);
    return this;
  }

  /**
   * The training settings these Params describe: the record the command line builds from its flags,
   * made the same way ({@link TrainingConfig#from}).
   */
  public TrainingConfig trainingConfig() {
    try {
      return TrainingConfig.from(SettingParams.values(this));
    } catch (BadInputException e) {
      throw SettingParams.reworded(e, NAME);
    }
  }

  /**
   * Spark's {@code Predictor.fit} calls this with the label column cast to double. An error about a
   * setting is worded with Param names ("DownhillClassifier learningRate: ...").
   */
  @Override
  public DownhillClassificationModel train(Dataset<?> dataset) {
    try {
      return trainOn(dataset);
    } catch (BadInputException e) {
      throw SettingParams.reworded(e, NAME);
    }
  }

  private DownhillClassificationModel trainOn(Dataset<?> dataset) {
    TrainingConfig config = trainingConfig();
    if (config.earlyStopping().enabled() && getValidationFraction() == 0) {
      throw BadInputException.of("DownhillClassifier earlyStopping " + getEarlyStopping(), "early stopping without "
          + "validation rows", "validationFraction > 0", "validationFraction 0");
    }
    SparkSession spark = dataset.sparkSession();
    Attribute attribute = Attribute.fromStructField(dataset.schema().apply(getLabelCol()));
    int classes = 0;
    List<String> names = null;
    if (attribute instanceof NominalAttribute n && n.getNumValues().isDefined()) {
      classes = (Integer) n.getNumValues().get();
      names = n.values().isDefined() ? List.of(n.values().get()) : null;
    } else if (attribute instanceof BinaryAttribute b) {
      classes = 2;
      names = b.values().isDefined() ? List.of(b.values().get()) : null;
    }
    String weight = getWeightCol().isEmpty() ? null : getWeightCol();
    DataLoader.Settings settings = DataLoader.Settings.builder(DataSpec.dataFrame("DataFrame given to " + uid))
        .valFraction(getValidationFraction()).seed(config.seed()).partitions(getNumPartitions())
        .precision(config.precision()).blockRows(getBlockRows()).preprocess(Preprocess.NONE).numClasses(classes)
        .labelCol(getLabelCol()).featuresCol(getFeaturesCol()).weightCol(weight).build();
    TrainingData td = DataLoader.load(spark, dataset.toDF(), null, settings);
    try {
      if (td.labels().isPlusMinusOne()) {
        throw BadInputException.of("DownhillClassifier labelCol " + getLabelCol(), "labels -1/+1",
            "class indices 0..k-1 (Spark ML's convention)", "-1 and +1");
      }
      int k = td.labels().numClasses();
      config = config.sizedFor(td.trainRows());
      Fit fit = Fit.of(config, td.features(), k, "DownhillClassifier modelType " + getModelType(), null);
      List<String> classNames = names != null && names.size() == k ? names : ModelFiles.indexNames(k);
      WarmStart parent = null;
      if (!getInitialModel().isEmpty()) {
        parent = WarmStart.load(spark, getInitialModel(), "DownhillClassifier initialModel " + getInitialModel());
        parent.check(fit.model().spec(), fit.loss().name(), td.labels(),
            names != null && names.size() == k ? names : null, "featuresCol " + getFeaturesCol());
      }
      RateFinder.Choice auto = null;
      if (config.autoRate()) {
        auto = RateFinder.pick(fit, td.train().first(), parent == null ? null : parent.theta());
        LOG.info("{}", auto.describe());
        config = config.withRate(auto.rate());
        fit = Fit.of(config, td.features(), k, "DownhillClassifier modelType " + getModelType(), null);
      }
      Model model = fit.model();
      Loss lossFn = fit.loss();
      CheckpointStore store = null;
      if (!getCheckpointDir().isEmpty()) {
        store = new CheckpointStore(getCheckpointDir(), getCheckpointKeep(),
            spark.sparkContext().hadoopConfiguration());
        TrainerState state = store.begin(getResume(), "DownhillClassifier checkpointDir "
            + getCheckpointDir(), "resume true", line -> LOG.warn("checkpoints: {}", line)).state();
        fit = fit.withCheckpoints(Checkpointing.of(store, getCheckpointEvery(),
            config + "; data " + td.identity() + (parent == null ? "" : "; " + parent.identity()), List::of), state);
      }
      // only θ from a parent: its preprocessing stages, if any, are the caller's pipeline's
      String[] sync = new String[1];
      TrainingConfig sized = config;
      TrainingResult result = fit.run(c -> {
        SparkGradientSource source = new SparkGradientSource(JavaSparkContexts.of(spark), td, c)
            .sync(getSync(), java.time.Duration.ofSeconds(getCollectiveTimeout()));
        sync[0] = source.describeSync(sized);
        return source;
      }, parent == null ? null : parent.theta(), List.of());
      if (store != null) {
        store.clear();
      }
      ObjectNode summary = DownhillSummary.JSON.createObjectNode();
      summary.put("estimator", uid);
      ObjectNode params = summary.putObject("settings");
      for (var pair : scala.jdk.javaapi.CollectionConverters.asJava(extractParamMap().toSeq())) {
        @SuppressWarnings("unchecked")
        Param<Object> param = (Param<Object>) pair.param();
        params.put(param.name(), param.jsonEncode(pair.value()));
      }
      summary.put("lr", config.learningRate());
      summary.put("lr_source", auto != null ? "auto" : isSet(learningRate()) ? "given" : getOptimizer() + "'s default");
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
      ModelFiles.Saved saved = new ModelFiles.Saved(model.spec(), lossFn.name(), k, classNames, false,
          config.precision().label(), result.theta(), ModelFiles.object());
      return new DownhillClassificationModel(uid, saved, summary.toString());
    } finally {
      td.unpersist();
    }
  }

  /** A copy with {@code extra}'s values, normalized as the setters do ("ADAM" is "adam"). */
  @Override
  public DownhillClassifier copy(ParamMap extra) {
    return defaultCopy(SettingParams.normalized(this, extra));
  }
  public static MLReader<DownhillClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static DownhillClassifier load(String path) {
    return read().load(path);
  }
}
