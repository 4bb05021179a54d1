package io.downhill.ml;

import io.downhill.BadInputException;
import io.downhill.model.ModelFiles;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingSettings;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

/**
 * Downhill as a Spark ML regression {@code Estimator}: a {@code Regressor} over a vector features
 * column and a numeric label column of real values. {@code fit} blocks and caches the rows, trains
 * with data-parallel minibatch SGD on the squared loss {@code ½ (f(x) - y)²} exactly as
 * {@code downhill train --loss squared} does, and returns a {@link DownhillRegressionModel} whose
 * {@code prediction} is {@code f(x)}.
 *
 * <p>Its Params are the classifier's ({@link DownhillParams}, from the one settings schema), with
 * the loss fixed to squared: {@code modelType} is {@code squared} (linear least squares, the
 * default here) or {@code mlp} (a network with one output: {@code hiddenLayers},
 * {@code activation}, ...); another model type or loss is refused at {@code fit}. A NaN or infinite
 * label is bad input naming the row. Early stopping uses {@code val_loss} or {@code val_rmse}.
 */
public final class DownhillRegressor extends Regressor<Vector, DownhillRegressor, DownhillRegressionModel>
    implements DownhillParams, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final String NAME = "DownhillRegressor";

  private String uid; // no initializer: set by uid() while the superclass constructor runs (see Uid)
  private final SettingParams settingParams;

  public DownhillRegressor() {
    this(Identifiable$.MODULE$.randomUID("downhillRegressor"));
  }

  public DownhillRegressor(String uid) {
    this(Uid.of(uid));
  }

  private DownhillRegressor(Uid uid) {
    this.uid = uid.value;
    uid.done();
    this.settingParams = SettingParams.define(this);
    setDefault(modelType(), ModelFiles.REGRESSION_LOSS); // the linear model of the squared loss
    setDefault(loss(), ModelFiles.REGRESSION_LOSS);
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

  public DownhillRegressor setModelType(String v) { return assign(TrainingSettings.MODEL_TYPE, v); }
  public DownhillRegressor setLoss(String v) { return assign(TrainingSettings.LOSS, v); }
  public DownhillRegressor setHiddenLayers(int[] v) { return assign(TrainingSettings.HIDDEN_LAYERS, v); }
  public DownhillRegressor setActivation(String v) { return assign(TrainingSettings.ACTIVATION, v); }
  public DownhillRegressor setBatchNorm(String v) { return assign(TrainingSettings.BATCH_NORM, v); }
  public DownhillRegressor setInit(String v) { return assign(TrainingSettings.INIT, v); }
  public DownhillRegressor setInitScale(double v) { return assign(TrainingSettings.INIT_SCALE, v); }
  public DownhillRegressor setPrecision(String v) { return assign(TrainingSettings.PRECISION, v); }
  public DownhillRegressor setAlgorithm(String v) { return assign(TrainingSettings.ALGORITHM, v); }
  public DownhillRegressor setOptimizer(String v) { return assign(TrainingSettings.OPTIMIZER_NAME, v); }
  public DownhillRegressor setBatchSize(int v) { return assign(TrainingSettings.BATCH_SIZE, v); }
  public DownhillRegressor setEpochs(int v) { return assign(TrainingSettings.EPOCHS, v); }
  public DownhillRegressor setMomentum(double v) { return assign(TrainingSettings.MOMENTUM, v); }
  public DownhillRegressor setBeta1(double v) { return assign(TrainingSettings.BETA1, v); }
  public DownhillRegressor setBeta2(double v) { return assign(TrainingSettings.BETA2, v); }
  public DownhillRegressor setEps(double v) { return assign(TrainingSettings.EPS, v); }
  public DownhillRegressor setRho(double v) { return assign(TrainingSettings.RHO, v); }
  public DownhillRegressor setWeightDecay(double v) { return assign(TrainingSettings.WEIGHT_DECAY, v); }
  public DownhillRegressor setLineSearch(String v) { return assign(TrainingSettings.LINE_SEARCH, v); }
  public DownhillRegressor setTol(double v) { return assign(TrainingSettings.TOL, v); }
  public DownhillRegressor setTrials(int v) { return assign(TrainingSettings.TRIALS, v); }
  public DownhillRegressor setLocalSteps(int v) { return assign(TrainingSettings.LOCAL_STEPS, v); }
  public DownhillRegressor setSync(String v) { return assign(TrainingSettings.SYNC, v); }
  public DownhillRegressor setCollectiveTimeout(int v) { return assign(TrainingSettings.COLLECTIVE_TIMEOUT, v); }
  public DownhillRegressor setAbortFactor(double v) { return assign(TrainingSettings.ABORT_FACTOR, v); }
  public DownhillRegressor setSeed(long v) { return assign(TrainingSettings.SEED, v); }
  public DownhillRegressor setLearningRate(double v) { return assign(TrainingSettings.LEARNING_RATE, v); }
  public DownhillRegressor setSchedule(String v) { return assign(TrainingSettings.SCHEDULE_KIND, v); }
  public DownhillRegressor setLrDecay(double v) { return assign(TrainingSettings.LR_DECAY, v); }
  public DownhillRegressor setLrStep(double v) { return assign(TrainingSettings.LR_STEP, v); }
  public DownhillRegressor setDecayRate(double v) { return assign(TrainingSettings.DECAY_RATE, v); }
  public DownhillRegressor setLrMin(double v) { return assign(TrainingSettings.LR_MIN, v); }
  public DownhillRegressor setWarmup(double v) { return assign(TrainingSettings.WARMUP, v); }
  public DownhillRegressor setRegParam(double v) { return assign(TrainingSettings.REG, v); }
  public DownhillRegressor setL1Ratio(double v) { return assign(TrainingSettings.L1_RATIO, v); }
  public DownhillRegressor setMaxNorm(double v) { return assign(TrainingSettings.MAX_NORM, v); }
  public DownhillRegressor setDropout(double v) { return assign(TrainingSettings.DROPOUT, v); }
  public DownhillRegressor setEarlyStopping(String v) { return assign(TrainingSettings.EARLY_STOPPING, v); }
  public DownhillRegressor setPatience(int v) { return assign(TrainingSettings.PATIENCE, v); }
  public DownhillRegressor setValidationFraction(double v) { return assign(TrainingSettings.VALIDATION_FRACTION, v); }
  public DownhillRegressor setNumPartitions(int v) { return assign(TrainingSettings.NUM_PARTITIONS, v); }
  public DownhillRegressor setBlockRows(int v) { return assign(TrainingSettings.BLOCK_ROWS, v); }
  public DownhillRegressor setWeightCol(String v) { return assign(TrainingSettings.WEIGHT_COL, v); }
  public DownhillRegressor setCheckpointDir(String v) { return assign(TrainingSettings.CHECKPOINT_DIR, v); }
  public DownhillRegressor setCheckpointEvery(String v) { return assign(TrainingSettings.CHECKPOINT_EVERY, v); }
  public DownhillRegressor setCheckpointKeep(int v) { return assign(TrainingSettings.CHECKPOINT_KEEP, v); }
  public DownhillRegressor setResume(boolean v) { return assign(TrainingSettings.RESUME, v); }
  public DownhillRegressor setInitialModel(String v) { return assign(TrainingSettings.INITIAL_MODEL, v); }

  private DownhillRegressor assign(Setting<?> setting, Object value) {
    SettingParams.set(this, setting, value);
    return this;
  }

  /**
   * The training settings these Params describe, the loss squared: {@code modelType} squared (the
   * default) or mlp; the command line's record, made the same way ({@link TrainingConfig#from}).
   */
  public TrainingConfig trainingConfig() {
    try {
      SettingValues v = SettingParams.values(this);
      String type = getModelType();
      if (!type.equals(ModelFiles.REGRESSION_LOSS) && !type.equals("mlp")) {
        throw BadInputException.setting("modelType", "a classifier's model on a regressor",
            ModelFiles.REGRESSION_LOSS + " (linear least squares) or mlp", type);
      }
      if (!getLoss().equals(ModelFiles.REGRESSION_LOSS) && !getLoss().equals("auto")) {
        throw BadInputException.setting("loss", "a classification loss on a regressor",
            ModelFiles.REGRESSION_LOSS + " (a " + NAME + " fits the squared loss)", getLoss());
      }
      return TrainingConfig.from(v.with(TrainingSettings.MODEL_TYPE, type)
          .with(TrainingSettings.LOSS, type.equals("mlp") ? ModelFiles.REGRESSION_LOSS : "auto"));
    } catch (BadInputException e) {
      throw SettingParams.reworded(e, NAME);
    }
  }

  /**
   * Spark's {@code Predictor.fit} calls this with the label column cast to double. An error about a
   * setting is worded with Param names ("DownhillRegressor learningRate: ...").
   */
  @Override
  public DownhillRegressionModel train(Dataset<?> dataset) {
    try {
      EstimatorFit.Fitted fitted = EstimatorFit.fit(this, NAME, trainingConfig(), dataset, getLabelCol(),
          getFeaturesCol(), 0, true, td -> null);
      return new DownhillRegressionModel(uid, fitted.saved(), fitted.summaryJson());
    } catch (BadInputException e) {
      throw SettingParams.reworded(e, NAME);
    }
  }

  /** A copy with {@code extra}'s values, normalized as the setters do ("ADAM" is "adam"). */
  @Override
  public DownhillRegressor copy(ParamMap extra) {
    return defaultCopy(SettingParams.normalized(this, extra));
  }

  public static MLReader<DownhillRegressor> read() {
    return new DefaultParamsReader<>();
  }

  public static DownhillRegressor load(String path) {
    return read().load(path);
  }
}
