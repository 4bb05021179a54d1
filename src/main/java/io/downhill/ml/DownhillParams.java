package io.downhill.ml;

import io.downhill.settings.Setting;
import io.downhill.train.TrainingSettings;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training settings as Spark ML Params, shared by {@link DownhillClassifier} and its fitted
 * {@link DownhillClassificationModel}: a Param and a getter per setting of {@link TrainingSettings}
 * shown in Spark ML, named as the setting ({@code learningRate()}, {@code getLearningRate()}).
 * Because the model has the same Params, Spark's {@code Predictor.fit} copies the estimator's values
 * onto it, so a fitted model (a tuning run's {@code bestModel}) says which settings made it.
 *
 * <p>Each instance owns its Params ({@link #param}, made once per instance by {@code SettingParams});
 * name, type, default, validator and doc are the setting's. Spark finds them by reflection over the
 * public no-argument methods returning a Param, default methods included. The setters are the
 * Estimator's.
 */
public interface DownhillParams extends Params {

  /** The Param of {@code setting}, one of the settings shown in Spark ML, on this instance. */
  Param<?> param(Setting<?> setting);

  @SuppressWarnings("unchecked")
  private <P extends Param<?>> P typed(Setting<?> setting) {
    return (P) param(setting);
  }

  /** This instance's Params as the values a default that depends on them reads ({@link Setting#derivedDefault}). */
  private Setting.Lookup paramValues() {
    DownhillParams self = this;
    return new Setting.Lookup() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> T get(Setting<T> setting) {
        Object v = self.getOrDefault(self.param(setting));
        return (T) (v instanceof int[] a ? java.util.Arrays.stream(a).boxed().toList() : v);
      }

      @Override
      public Setting.Front front() {
        return Setting.Front.ML;
      }
    };
  }

  // ---- model ----
  default Param<String> modelType() { return typed(TrainingSettings.MODEL_TYPE); }
  default String getModelType() { return getOrDefault(modelType()); }
  default Param<String> loss() { return typed(TrainingSettings.LOSS); }
  default String getLoss() { return getOrDefault(loss()); }
  default IntArrayParam hiddenLayers() { return typed(TrainingSettings.HIDDEN_LAYERS); }
  default int[] getHiddenLayers() { return (int[]) getOrDefault(hiddenLayers()); }
  default Param<String> activation() { return typed(TrainingSettings.ACTIVATION); }
  default String getActivation() { return getOrDefault(activation()); }
  default Param<String> batchNorm() { return typed(TrainingSettings.BATCH_NORM); }
  default String getBatchNorm() { return getOrDefault(batchNorm()); }
  default Param<String> init() { return typed(TrainingSettings.INIT); }
  default String getInit() { return getOrDefault(init()); }
  default DoubleParam initScale() { return typed(TrainingSettings.INIT_SCALE); }
  default double getInitScale() { return (Double) getOrDefault(initScale()); }
  default Param<String> precision() { return typed(TrainingSettings.PRECISION); }
  default String getPrecision() { return getOrDefault(precision()); }

  // ---- optimizer ----
  default Param<String> algorithm() { return typed(TrainingSettings.ALGORITHM); }
  default String getAlgorithm() { return getOrDefault(algorithm()); }
  default Param<String> optimizer() { return typed(TrainingSettings.OPTIMIZER_NAME); }
  default String getOptimizer() { return getOrDefault(optimizer()); }
  default IntParam batchSize() { return typed(TrainingSettings.BATCH_SIZE); }
  default int getBatchSize() { return (Integer) getOrDefault(batchSize()); }
  default IntParam epochs() { return typed(TrainingSettings.EPOCHS); }
  default int getEpochs() { return (Integer) getOrDefault(epochs()); }
  default DoubleParam momentum() { return typed(TrainingSettings.MOMENTUM); }
  default double getMomentum() { return (Double) getOrDefault(momentum()); }
  default DoubleParam beta1() { return typed(TrainingSettings.BETA1); }
  default double getBeta1() { return (Double) getOrDefault(beta1()); }
  default DoubleParam beta2() { return typed(TrainingSettings.BETA2); }
  default double getBeta2() { return (Double) getOrDefault(beta2()); }
  default DoubleParam eps() { return typed(TrainingSettings.EPS); }
  /** The value set, else the one training takes: the optimizer's (adadelta's differs; no Spark default). */
  default double getEps() {
    return isDefined(eps()) ? (Double) getOrDefault(eps()) : TrainingSettings.EPS.derivedDefault(paramValues());
  }
  default DoubleParam rho() { return typed(TrainingSettings.RHO); }
  /** The value set, else the one training takes: the optimizer's (adadelta's differs; no Spark default). */
  default double getRho() {
    return isDefined(rho()) ? (Double) getOrDefault(rho()) : TrainingSettings.RHO.derivedDefault(paramValues());
  }
  default DoubleParam weightDecay() { return typed(TrainingSettings.WEIGHT_DECAY); }
  default double getWeightDecay() { return (Double) getOrDefault(weightDecay()); }
  default Param<String> lineSearch() { return typed(TrainingSettings.LINE_SEARCH); }
  default String getLineSearch() { return getOrDefault(lineSearch()); }
  default DoubleParam tol() { return typed(TrainingSettings.TOL); }
  default double getTol() { return (Double) getOrDefault(tol()); }
  default IntParam trials() { return typed(TrainingSettings.TRIALS); }
  default int getTrials() { return (Integer) getOrDefault(trials()); }
  default IntParam localSteps() { return typed(TrainingSettings.LOCAL_STEPS); }
  default int getLocalSteps() { return (Integer) getOrDefault(localSteps()); }
  default Param<String> sync() { return typed(TrainingSettings.SYNC); }
  default String getSync() { return getOrDefault(sync()); }
  default IntParam collectiveTimeout() { return typed(TrainingSettings.COLLECTIVE_TIMEOUT); }
  default int getCollectiveTimeout() { return (Integer) getOrDefault(collectiveTimeout()); }
  default DoubleParam abortFactor() { return typed(TrainingSettings.ABORT_FACTOR); }
  default double getAbortFactor() { return (Double) getOrDefault(abortFactor()); }
  default LongParam seed() { return typed(TrainingSettings.SEED); }
  default long getSeed() { return (Long) getOrDefault(seed()); }

  // ---- schedule ----
  default DoubleParam learningRate() { return typed(TrainingSettings.LEARNING_RATE); }
  /** The rate set, else the one training takes: the optimizer's default (the Param has no Spark default). */
  default double getLearningRate() {
    return isDefined(learningRate()) ? (Double) getOrDefault(learningRate())
        : TrainingSettings.LEARNING_RATE.derivedDefault(paramValues());
  }
  default Param<String> schedule() { return typed(TrainingSettings.SCHEDULE_KIND); }
  default String getSchedule() { return getOrDefault(schedule()); }
  default DoubleParam lrDecay() { return typed(TrainingSettings.LR_DECAY); }
  default double getLrDecay() { return (Double) getOrDefault(lrDecay()); }
  default DoubleParam lrStep() { return typed(TrainingSettings.LR_STEP); }
  default double getLrStep() { return (Double) getOrDefault(lrStep()); }
  default DoubleParam decayRate() { return typed(TrainingSettings.DECAY_RATE); }
  default double getDecayRate() { return (Double) getOrDefault(decayRate()); }
  default DoubleParam lrMin() { return typed(TrainingSettings.LR_MIN); }
  default double getLrMin() { return (Double) getOrDefault(lrMin()); }
  default DoubleParam warmup() { return typed(TrainingSettings.WARMUP); }
  default double getWarmup() { return (Double) getOrDefault(warmup()); }

  // ---- regularization ----
  default DoubleParam regParam() { return typed(TrainingSettings.REG); }
  default double getRegParam() { return (Double) getOrDefault(regParam()); }
  default DoubleParam l1Ratio() { return typed(TrainingSettings.L1_RATIO); }
  default double getL1Ratio() { return (Double) getOrDefault(l1Ratio()); }
  default DoubleParam maxNorm() { return typed(TrainingSettings.MAX_NORM); }
  default double getMaxNorm() { return (Double) getOrDefault(maxNorm()); }
  default DoubleParam dropout() { return typed(TrainingSettings.DROPOUT); }
  default double getDropout() { return (Double) getOrDefault(dropout()); }

  // ---- stopping ----
  default Param<String> earlyStopping() { return typed(TrainingSettings.EARLY_STOPPING); }
  default String getEarlyStopping() { return getOrDefault(earlyStopping()); }
  default IntParam patience() { return typed(TrainingSettings.PATIENCE); }
  default int getPatience() { return (Integer) getOrDefault(patience()); }

  // ---- data ----
  default DoubleParam validationFraction() { return typed(TrainingSettings.VALIDATION_FRACTION); }
  default double getValidationFraction() { return (Double) getOrDefault(validationFraction()); }
  default IntParam numPartitions() { return typed(TrainingSettings.NUM_PARTITIONS); }
  default int getNumPartitions() { return (Integer) getOrDefault(numPartitions()); }
  default IntParam blockRows() { return typed(TrainingSettings.BLOCK_ROWS); }
  default int getBlockRows() { return (Integer) getOrDefault(blockRows()); }
  default Param<String> weightCol() { return typed(TrainingSettings.WEIGHT_COL); }
  default String getWeightCol() { return getOrDefault(weightCol()); }

  // ---- checkpoints ----
  default Param<String> checkpointDir() { return typed(TrainingSettings.CHECKPOINT_DIR); }
  default String getCheckpointDir() { return getOrDefault(checkpointDir()); }
  default Param<String> checkpointEvery() { return typed(TrainingSettings.CHECKPOINT_EVERY); }
  default String getCheckpointEvery() { return getOrDefault(checkpointEvery()); }
  default IntParam checkpointKeep() { return typed(TrainingSettings.CHECKPOINT_KEEP); }
  default int getCheckpointKeep() { return (Integer) getOrDefault(checkpointKeep()); }
  default BooleanParam resume() { return typed(TrainingSettings.RESUME); }
  default boolean getResume() { return (Boolean) getOrDefault(resume()); }

  // ---- warm start ----
  default Param<String> initialModel() { return typed(TrainingSettings.INITIAL_MODEL); }
  default String getInitialModel() { return getOrDefault(initialModel()); }
}
