package io.downhill.ml;

import io.downhill.BadInputException;
import io.downhill.settings.Setting;
import io.downhill.train.TrainingConfig;
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
  public DownhillClassifier setBatchNorm(String v) { return assign(TrainingSettings.BATCH_NORM, v); }
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
    List<String> given = names;
    EstimatorFit.Fitted fitted = EstimatorFit.fit(this, NAME, config, dataset, getLabelCol(), getFeaturesCol(),
        classes, false, td -> {
          if (td.labels().isPlusMinusOne()) {
            throw BadInputException.of("DownhillClassifier labelCol " + getLabelCol(), "labels -1/+1",
                "class indices 0..k-1 (Spark ML's convention)", "-1 and +1");
          }
          return given != null && given.size() == td.labels().numClasses() ? given : null;
        });
    return new DownhillClassificationModel(uid, fitted.saved(), fitted.summaryJson());
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
