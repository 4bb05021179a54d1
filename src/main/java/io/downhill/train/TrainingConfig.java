package io.downhill.train;

import static io.downhill.train.TrainingSettings.ABORT_FACTOR;
import static io.downhill.train.TrainingSettings.ACTIVATION;
import static io.downhill.train.TrainingSettings.ALGORITHM;
import static io.downhill.train.TrainingSettings.BATCH_NORM;
import static io.downhill.train.TrainingSettings.BATCH_SIZE;
import static io.downhill.train.TrainingSettings.BETA1;
import static io.downhill.train.TrainingSettings.BETA2;
import static io.downhill.train.TrainingSettings.DECAY_RATE;
import static io.downhill.train.TrainingSettings.DROPOUT;
import static io.downhill.train.TrainingSettings.EARLY_STOPPING;
import static io.downhill.train.TrainingSettings.EPOCHS;
import static io.downhill.train.TrainingSettings.EPS;
import static io.downhill.train.TrainingSettings.HIDDEN_LAYERS;
import static io.downhill.train.TrainingSettings.INIT;
import static io.downhill.train.TrainingSettings.INIT_SCALE;
import static io.downhill.train.TrainingSettings.L1_RATIO;
import static io.downhill.train.TrainingSettings.LEARNING_RATE;
import static io.downhill.train.TrainingSettings.LINE_SEARCH;
import static io.downhill.train.TrainingSettings.LOCAL_STEPS;
import static io.downhill.train.TrainingSettings.LOSS;
import static io.downhill.train.TrainingSettings.LR_DECAY;
import static io.downhill.train.TrainingSettings.LR_MIN;
import static io.downhill.train.TrainingSettings.LR_STEP;
import static io.downhill.train.TrainingSettings.MAX_NORM;
import static io.downhill.train.TrainingSettings.MODEL_TYPE;
import static io.downhill.train.TrainingSettings.MOMENTUM;
import static io.downhill.train.TrainingSettings.OPTIMIZER_NAME;
import static io.downhill.train.TrainingSettings.PATIENCE;
import static io.downhill.train.TrainingSettings.PRECISION;
import static io.downhill.train.TrainingSettings.REG;
import static io.downhill.train.TrainingSettings.RHO;
import static io.downhill.train.TrainingSettings.SCHEDULE_KIND;
import static io.downhill.train.TrainingSettings.SEED;
import static io.downhill.train.TrainingSettings.TOL;
import static io.downhill.train.TrainingSettings.TRIALS;
import static io.downhill.train.TrainingSettings.VALIDATION_FRACTION;
import static io.downhill.train.TrainingSettings.WARMUP;
import static io.downhill.train.TrainingSettings.WEIGHT_DECAY;

import io.downhill.BadInputException;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.loss.Regularizer;
import io.downhill.model.BatchNorm;
import io.downhill.optim.OptimizerConfig;
import io.downhill.optim.schedule.Schedules;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import java.util.List;

/**
 * The settings of a training run that concern the model and the optimization (data settings
 * live with the data loader). Immutable, and validated once, at construction, by the settings'
 * own declarations ({@link TrainingSettings}) however it was built, with the checks that span
 * several settings; errors name the setting ({@link BadInputException#setting}).
 *
 * @param model         head, hidden layers, initialization
 * @param optimizer     update rule and its hyperparameters (its name also selects the {@link #algorithm})
 * @param schedule      learning rate η₀ and its schedule
 * @param regularizer   L2 / L1 / elastic net on weights ({@code regParam}, {@code l1Ratio})
 * @param maxNorm       max-norm constraint c on each unit's incoming weights, 0 for none
 * @param batchSize     B, the global minibatch, >= 1
 * @param epochs        passes over the training data, >= 1; iterations for gd
 * @param seed          seeds initialization, minibatch order, dropout masks and the validation split
 * @param precision     compute and storage precision of the blocks
 * @param earlyStopping early stopping on a validation metric
 * @param lineSearch    line search and convergence test of full-batch gd
 * @param trials        random weight matrices tried by random search, >= 1
 * @param localSteps    K, minibatch steps each partition takes per job before the driver averages; 1 is exact
 *                      synchronous SGD
 * @param abortFactor   stop a run whose minibatch loss exceeds this multiple of its first step's loss
 *                      (the lecture's "loss exploded" test, 3 in a search); 0 never stops
 */
public record TrainingConfig(ModelConfig model, OptimizerConfig optimizer, Schedules.Config schedule,
    Regularizer regularizer, double maxNorm, int batchSize, int epochs, long seed, Precision precision,
    EarlyStopping earlyStopping, LineSearch lineSearch, int trials, int localSteps, double abortFactor) {

  public TrainingConfig {
    valid(LOSS, model.loss());
    valid(HIDDEN_LAYERS, model.hidden());
    valid(ACTIVATION, model.activation());
    valid(DROPOUT, model.dropout());
    valid(BATCH_NORM, model.batchNorm());
    valid(INIT, model.init());
    valid(INIT_SCALE, model.initScale());
    valid(OPTIMIZER_NAME, optimizer.name());
    valid(MOMENTUM, optimizer.momentum());
    valid(BETA1, optimizer.beta1());
    valid(BETA2, optimizer.beta2());
    valid(EPS, optimizer.eps());
    valid(RHO, optimizer.rho());
    valid(WEIGHT_DECAY, optimizer.weightDecay());
    valid(SCHEDULE_KIND, schedule.kind());
    valid(LEARNING_RATE, schedule.lr());
    valid(LR_DECAY, schedule.decay());
    valid(LR_STEP, schedule.stepEpochs());
    valid(DECAY_RATE, schedule.rate());
    valid(LR_MIN, schedule.min());
    valid(WARMUP, schedule.warmup());
    valid(REG, regularizer.lambda());
    valid(L1_RATIO, regularizer.l1Ratio());
    valid(MAX_NORM, maxNorm);
    valid(BATCH_SIZE, batchSize);
    valid(EPOCHS, epochs);
    valid(PRECISION, precision.label());
    valid(EARLY_STOPPING, earlyStopping.metric());
    valid(PATIENCE, earlyStopping.patience());
    valid(LINE_SEARCH, lineSearch.kind());
    valid(TOL, lineSearch.tol());
    valid(TRIALS, trials);
    valid(LOCAL_STEPS, localSteps);
    valid(ABORT_FACTOR, abortFactor);
    if (model.loss().equals("auto")) {
      throw new IllegalArgumentException("a model's loss is resolved (see from), not auto");
    }
    if (model.dropout() > 0 && model.hidden().isEmpty()) {
      throw BadInputException.setting("dropout", "dropout needs hidden layers", "{modelType} mlp {hiddenLayers} ...",
          "a linear model");
    }
    boolean normalized = model.batchNormPlacement() != BatchNorm.Placement.NONE;
    if (normalized && model.hidden().isEmpty()) {
      throw BadInputException.setting("batchNorm", "batch normalization needs hidden layers",
          "{modelType} mlp {hiddenLayers} ...", "a linear model");
    }
    if (schedule.lr() > 0 && schedule.min() > schedule.lr()) { // auto (0) is checked once it is picked
      throw BadInputException.setting("lrMin", "invalid " + LR_MIN.noun(), LR_MIN.allowed(),
          LR_MIN.format(schedule.min()));
    }
    Algorithm algorithm = algorithm(optimizer);
    if (localSteps > 1 && !algorithm.minibatch()) {
      throw BadInputException.setting("localSteps", "local steps with {optimizer} " + optimizer.name(),
          "1 (local steps need minibatch steps)", Integer.toString(localSteps));
    }
    if (algorithm == Algorithm.GD && model.dropout() > 0) {
      throw BadInputException.setting("optimizer", "gd", "full-batch descent with dropout",
          "{dropout} 0 (a line search needs one deterministic objective)", "{dropout} " + model.dropout());
    }
    if (schedule.lr() == 0 && !algorithm.minibatch()) {
      throw BadInputException.setting("learningRate", "auto with {optimizer} " + optimizer.name(),
          "a rate (auto sweeps minibatch steps of an update rule)", "auto");
    }
    if (algorithm == Algorithm.GD && normalized) {
      throw BadInputException.setting("optimizer", "gd", "full-batch descent with batch normalization",
          "no {batchNorm} (its line search evaluates with running statistics, its gradient with the batch's)",
          "{batchNorm} " + model.batchNorm());
    }
  }

  /** {@code value} passes its setting's validator and is in its canonical spelling (front ends normalize it). */
  private static <T> void valid(Setting<T> setting, T value) {
    T canonical = setting.checked(value);
    if (!canonical.equals(value)) {
      throw new IllegalArgumentException(setting + ": '" + value + "' is not written as '" + canonical + "'");
    }
  }

  /** The training algorithm that runs these settings. */
  public Algorithm algorithm() {
    return algorithm(optimizer);
  }

  /** Selects the algorithm: {@code --optimizer} names it (gd, random-search); an update rule there means minibatch. */
  private static Algorithm algorithm(OptimizerConfig optimizer) {
    return Algorithm.named(optimizer.algorithm());
  }

  /** The loss name, e.g. "softmax". */
  public String loss() {
    return model.loss();
  }

  /** η₀; 0 while it is auto ({@link #autoRate}), until the front end picks it ({@link #withRate}). */
  public double learningRate() {
    return schedule.lr();
  }

  /** Whether the learning rate is auto: to be picked by a sweep on a sample before training. */
  public boolean autoRate() {
    return schedule.lr() == 0;
  }

  /** These settings at learning rate {@code lr}: an auto rate once picked. */
  public TrainingConfig withRate(double lr) {
    return builder(this).learningRate(lr).build();
  }

  /** Whether the batch size or the epochs are auto (0), to be sized by the training rows ({@link #sizedFor}). */
  public boolean autoLength() {
    return batchSize == 0 || epochs == 0;
  }

  /**
   * These settings with an auto batch size and number of epochs made concrete for {@code trainRows} training
   * rows ({@link RunLength}); the settings themselves when neither is auto.
   */
  public TrainingConfig sizedFor(long trainRows) {
    if (!autoLength()) {
      return this;
    }
    int batch = batchSize > 0 ? batchSize : RunLength.batch(trainRows);
    return builder(this).batchSize(batch).epochs(epochs > 0 ? epochs : RunLength.epochs(algorithm(), trainRows, batch))
        .build();
  }

  /**
   * The config these settings describe (each value already validated by its {@link TrainingSettings}
   * declaration). The one place where the model's type, loss and hidden layers are reconciled:
   * {@code modelType mlp} takes {@code loss} (auto: softmax) and {@code hiddenLayers} (none: 256); a
   * linear model takes neither (a loss, if given, must be its own). {@code optimizer gd} and
   * {@code random-search} are shorthands for the algorithm. Early stopping needs validation rows.
   */
  public static TrainingConfig from(SettingValues v) {
    String loss = v.get(LOSS);
    String type = modelType(v);
    List<Integer> hidden = v.get(HIDDEN_LAYERS);
    if (type.equals("mlp")) {
      loss = loss.equals("auto") ? "softmax" : loss;
      hidden = hidden.isEmpty() ? List.of(256) : hidden;
    } else {
      if (!hidden.isEmpty()) {
        throw BadInputException.setting("hiddenLayers", "hidden layers on a linear model",
            "{modelType} mlp {hiddenLayers} ...", "{modelType} " + type);
      }
      if (!loss.equals("auto") && !loss.equals(type)) {
        throw BadInputException.setting("loss", "loss disagrees with the linear model", "{loss} " + type + " (or none)",
            "{loss} " + loss);
      }
      loss = type;
    }
    String optimizer = v.get(OPTIMIZER_NAME);
    String algorithm = v.get(ALGORITHM);
    if (!algorithm.equals("minibatch")) {
      if (v.isSet(OPTIMIZER_NAME) && !optimizer.equals("sgd") && !optimizer.equals(algorithm)) {
        throw BadInputException.setting("optimizer", "an update rule with {algorithm} " + algorithm,
            "sgd (or no {optimizer})", "{optimizer} " + optimizer);
      }
      optimizer = algorithm;
    }
    String stopping = v.get(EARLY_STOPPING);
    if (!stopping.equals("none") && v.get(VALIDATION_FRACTION) == 0) { // else refused only after a whole epoch
      throw BadInputException.setting("earlyStopping", stopping, "no validation data",
          "a validation split ({validationFraction} > 0)", "{validationFraction} 0");
    }
    boolean regression = Losses.parse(loss).regression();
    if (stopping.equals(regression ? "val_accuracy" : "val_rmse")) {
      throw BadInputException.setting("earlyStopping", "a metric of " + (regression ? "classes" : "regression"),
          regression ? "val_loss or val_rmse with {loss} squared" : "val_loss or val_accuracy (val_rmse is for {loss} squared)",
          stopping);
    }
    return new TrainingConfig(
        new ModelConfig(loss, hidden, v.get(ACTIVATION), v.get(DROPOUT), v.get(BATCH_NORM), v.get(INIT),
            v.get(INIT_SCALE)),
        new OptimizerConfig(optimizer, v.get(MOMENTUM), v.get(BETA1), v.get(BETA2), v.get(EPS), v.get(RHO),
            v.get(WEIGHT_DECAY)),
        new Schedules.Config(v.get(SCHEDULE_KIND), v.get(LEARNING_RATE), v.get(LR_DECAY), v.get(LR_STEP),
            v.get(DECAY_RATE), v.get(LR_MIN), v.get(WARMUP)),
        new Regularizer(v.get(REG), v.get(L1_RATIO)), v.get(MAX_NORM), v.get(BATCH_SIZE), v.get(EPOCHS), v.get(SEED),
        Precision.parse(v.get(PRECISION)), new EarlyStopping(stopping, v.get(PATIENCE)),
        new LineSearch(v.get(LINE_SEARCH), v.get(TOL), 1e-4, 0.5), v.get(TRIALS), v.get(LOCAL_STEPS),
        v.get(ABORT_FACTOR));
  }

  /**
   * The model type these settings ask for: {@code modelType}, or, when it is not given, a linear
   * model given only its loss ({@code --loss squared} alone) is the linear model of that loss.
   */
  public static String modelType(SettingValues v) {
    String loss = v.get(LOSS);
    return !v.isSet(MODEL_TYPE) && !loss.equals("auto") && v.get(HIDDEN_LAYERS).isEmpty() ? loss : v.get(MODEL_TYPE);
  }

  /**
   * The settings this config was made of, such that {@code from(c.settings())} equals {@code c}:
   * how a variant of a run is made ({@link #builder(TrainingConfig)}) without copying its settings
   * one by one.
   */
  public SettingValues settings() {
    boolean linear = model.isLinear();
    SettingValues v = SettingValues.defaults(Setting.Front.CLI)
        .with(MODEL_TYPE, linear ? model.loss() : "mlp").with(LOSS, linear ? "auto" : model.loss())
        .with(HIDDEN_LAYERS, model.hidden()).with(ACTIVATION, model.activation()).with(DROPOUT, model.dropout())
        .with(BATCH_NORM, model.batchNorm())
        .with(INIT, model.init()).with(INIT_SCALE, model.initScale())
        .with(ALGORITHM, algorithm().label())
        .with(OPTIMIZER_NAME, algorithm().minibatch() ? optimizer.name() : OPTIMIZER_NAME.defaultValue())
        .with(MOMENTUM, optimizer.momentum()).with(BETA1, optimizer.beta1()).with(BETA2, optimizer.beta2())
        .with(EPS, optimizer.eps()).with(RHO, optimizer.rho()).with(WEIGHT_DECAY, optimizer.weightDecay())
        .with(SCHEDULE_KIND, schedule.kind()).with(LEARNING_RATE, schedule.lr()).with(LR_DECAY, schedule.decay())
        .with(LR_STEP, schedule.stepEpochs()).with(DECAY_RATE, schedule.rate()).with(LR_MIN, schedule.min())
        .with(WARMUP, schedule.warmup()).with(REG, regularizer.lambda()).with(L1_RATIO, regularizer.l1Ratio())
        .with(MAX_NORM, maxNorm).with(BATCH_SIZE, batchSize).with(EPOCHS, epochs).with(SEED, seed)
        .with(PRECISION, precision.label()).with(EARLY_STOPPING, earlyStopping.metric())
        .with(PATIENCE, earlyStopping.patience()).with(LINE_SEARCH, lineSearch.kind()).with(TOL, lineSearch.tol())
        .with(TRIALS, trials).with(LOCAL_STEPS, localSteps).with(ABORT_FACTOR, abortFactor);
    return v;
  }

  /** A builder that starts from {@code base}'s settings (a variant of a run: another rate, fewer rows). */
  public static Builder builder(TrainingConfig base) {
    Builder b = new Builder();
    b.values = base.settings();
    return b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Flat setters for the training settings, over {@link SettingValues}: each value is validated when
   * set, and the defaults are the schema's (the command line's). Without {@link #modelType}, the
   * model is an mlp when it has hidden layers, else the linear model of its loss.
   */
  public static final class Builder {
    private SettingValues values = SettingValues.defaults(Setting.Front.CLI);

    private <T> Builder set(Setting<T> setting, T value) {
      values = values.with(setting, value);
      return this;
    }

    public Builder modelType(String v) { return set(MODEL_TYPE, v); }
    public Builder loss(String v) { return set(LOSS, v); }
    public Builder hidden(List<Integer> v) { return set(HIDDEN_LAYERS, v); }
    public Builder activation(String v) { return set(ACTIVATION, v); }
    public Builder dropout(double v) { return set(DROPOUT, v); }
    /** none, before or after. */
    public Builder batchNorm(String v) { return set(BATCH_NORM, v); }
    public Builder init(String v) { return set(INIT, v); }
    public Builder initScale(double v) { return set(INIT_SCALE, v); }
    public Builder algorithm(String v) { return set(ALGORITHM, v); }
    public Builder optimizer(String v) { return set(OPTIMIZER_NAME, v); }
    public Builder momentum(double v) { return set(MOMENTUM, v); }
    public Builder beta1(double v) { return set(BETA1, v); }
    public Builder beta2(double v) { return set(BETA2, v); }
    public Builder eps(double v) { return set(EPS, v); }
    public Builder rho(double v) { return set(RHO, v); }
    public Builder weightDecay(double v) { return set(WEIGHT_DECAY, v); }
    public Builder schedule(String v) { return set(SCHEDULE_KIND, v); }
    public Builder learningRate(double v) { return set(LEARNING_RATE, v); }
    public Builder lrDecay(double v) { return set(LR_DECAY, v); }
    public Builder lrStep(double v) { return set(LR_STEP, v); }
    public Builder decayRate(double v) { return set(DECAY_RATE, v); }
    public Builder lrMin(double v) { return set(LR_MIN, v); }
    public Builder warmup(double v) { return set(WARMUP, v); }
    public Builder reg(double v) { return set(REG, v); }
    public Builder l1Ratio(double v) { return set(L1_RATIO, v); }
    public Builder maxNorm(double v) { return set(MAX_NORM, v); }
    public Builder batchSize(int v) { return set(BATCH_SIZE, v); }
    public Builder epochs(int v) { return set(EPOCHS, v); }
    public Builder seed(long v) { return set(SEED, v); }
    public Builder precision(Precision v) { return set(PRECISION, v.label()); }
    public Builder earlyStopping(String v) { return set(EARLY_STOPPING, v); }
    public Builder patience(int v) { return set(PATIENCE, v); }
    public Builder lineSearch(String v) { return set(LINE_SEARCH, v); }
    public Builder tol(double v) { return set(TOL, v); }
    public Builder trials(int v) { return set(TRIALS, v); }
    public Builder localSteps(int v) { return set(LOCAL_STEPS, v); }
    public Builder abortFactor(double v) { return set(ABORT_FACTOR, v); }

    public TrainingConfig build() {
      SettingValues v = values;
      if (!v.isSet(MODEL_TYPE)) {
        String loss = v.get(LOSS);
        v = v.with(MODEL_TYPE, !v.get(HIDDEN_LAYERS).isEmpty() ? "mlp" : loss.equals("auto") ? "softmax" : loss);
      }
      return from(v);
    }
  }
}
