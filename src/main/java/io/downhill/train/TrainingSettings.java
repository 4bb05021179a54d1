package io.downhill.train;

import static io.downhill.settings.Setting.Group.CHECKPOINTS;
import static io.downhill.settings.Setting.Group.DATA;
import static io.downhill.settings.Setting.Group.MODEL;
import static io.downhill.settings.Setting.Group.OPTIMIZER;
import static io.downhill.settings.Setting.Group.REGULARIZATION;
import static io.downhill.settings.Setting.Group.SCHEDULE;
import static io.downhill.settings.Setting.Group.STOPPING;
import static io.downhill.settings.Setting.Group.TRANSPORT;
import static io.downhill.settings.Setting.Group.WARM_START;

import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.model.Activations;
import io.downhill.model.BatchNorm;
import io.downhill.optim.OptimizerConfig;
import io.downhill.settings.Setting;
import java.util.List;
import java.util.Locale;

/**
 * Every setting of a training run, each declared once (see {@link Setting}): the command line's
 * options, the Spark ML Params, the properties keys and {@link TrainingConfig} are made from this
 * list. Defaults are those of the command line; Spark ML differs only where its conventions do
 * (no rows held out, no preprocessing: a pipeline's stages do that), as each doc says.
 */
public final class TrainingSettings {
  private TrainingSettings() {}

  private static final String FINITE = "a finite number";

  private static boolean finite(double x) {
    return Double.isFinite(x);
  }

  // ---- model ----

  public static final Setting<String> MODEL_TYPE = Setting.choice("modelType", "--model",
          () -> List.of("softmax", "svm", "logistic", "squared", "mlp"))
      .label("M").dflt("softmax").noun("model").in(MODEL)
      .doc("softmax, svm (multiclass hinge), logistic (binary), squared (least-squares regression on real-valued "
          + "labels): a linear score function Wx + b; or mlp: a fully connected network ({hiddenLayers}, {loss}); "
          + "a {loss} given without a model picks the linear model of that loss").build();

  public static final Setting<String> LOSS = Setting.choice("loss", "--loss",
          () -> List.of("auto", "softmax", "svm", "logistic", "squared"))
      .label("L").dflt("auto").noun("loss").in(MODEL)
      .canonical(Losses::canonical)
      .doc("Head of an mlp: softmax, svm, logistic, or squared (½(f(x) - y)² on real-valued labels, one output: "
          + "regression); auto is softmax for an mlp and the linear model's own loss")
      .build();

  public static final Setting<List<Integer>> HIDDEN_LAYERS = Setting.intList("hiddenLayers", "--hidden")
      .label("H1,H2").dflt(List.of()).noun("hidden layer width").in(MODEL)
      .check(h -> h.stream().allMatch(w -> w > 0), "positive integers, e.g. 256,128")
      .doc("Hidden layer widths of an mlp, e.g. 256,128; none means 256 for an mlp").build();

  public static final Setting<String> ACTIVATION = Setting.choice("activation", "--activation",
          Activations::names)
      .label("F").dflt("relu").noun("activation").in(MODEL)
      .canonical(Activations::canonical)
      .doc("Hidden activation: " + Activations.expected()).build();

  public static final Setting<String> BATCH_NORM = Setting.choice("batchNorm", "--batch-norm",
          BatchNorm.Placement::labels)
      .label("WHERE").dflt("none").bare("before").noun("batch normalization placement").in(MODEL)
      .doc("Batch normalization of each hidden layer: before its activation (the paper's; the command-line flag "
          + "alone means before) "
          + "or after it; trained scale and shift; training normalizes with the statistics of the global "
          + "minibatch across partitions, evaluation with running ones (momentum 0.9)").build();

  public static final Setting<String> INIT = Setting.choice("init", "--init",
          () -> List.of("auto", "gaussian", "xavier", "he"))
      .label("I").dflt("auto").noun("initializer").in(MODEL)
      .doc("Weight initialization: gaussian ({initScale} · N(0,1)), xavier, he; auto = gaussian for linear models, "
          + "he for networks").build();

  public static final Setting<Double> INIT_SCALE = Setting.real("initScale", "--init-scale")
      .label("SIGMA").dflt(0.01).noun("initial weight scale").in(MODEL)
      .check(x -> x >= 0 && finite(x), FINITE + " >= 0")
      .doc("σ of the gaussian initialization").build();

  public static final Setting<String> PRECISION = Setting.choice("precision", "--precision",
          () -> List.of("float32", "float64"))
      .label("P").dflt("float32").noun("precision").in(MODEL)
      .canonical(s -> { // also float, double, single, f32, f64
        try {
          return Precision.parse(s).label();
        } catch (IllegalArgumentException e) {
          return s;
        }
      })
      .doc("float32 or float64 storage and arithmetic; sums are always double").build();

  // ---- optimizer ----

  public static final Setting<String> ALGORITHM = Setting.choice("algorithm", "--algorithm",
          () -> List.of("minibatch", "gd", "random-search"))
      .label("A").dflt("minibatch").noun("training algorithm").in(OPTIMIZER)
      .doc("minibatch (steps of the {optimizer} on minibatches, {localSteps} per job); gd (full batch, with "
          + "{lineSearch}); random-search ({trials} random weights, the lecture's baseline)").build();

  public static final Setting<String> OPTIMIZER_NAME = Setting.choice("optimizer", "--optimizer",
          OptimizerConfig::names)
      .label("O").dflt("sgd").noun("optimizer").in(OPTIMIZER)
      .doc("Update rule: " + String.join(", ", OptimizerConfig.ruleNames()) + "; gd and random-search are kept as "
          + "shorthands for the {algorithm}").build();

  public static final Setting<Integer> BATCH_SIZE = Setting.integer("batchSize", "--batch-size")
      .label("B").dflt(0).dfltText("auto").word("auto", 0).noun("batch size").in(OPTIMIZER)
      .check(b -> b >= 0, "an integer >= 1, or auto (0)")
      .doc("Global minibatch size, split over the partitions; auto (0): " + RunLength.BATCH
          + ", or on fewer than " + RunLength.BATCH * RunLength.STEPS_PER_EPOCH + " training rows N/"
          + RunLength.STEPS_PER_EPOCH + " (at least " + RunLength.MIN_BATCH + "), so that an epoch has "
          + RunLength.STEPS_PER_EPOCH + " steps").build();

  public static final Setting<Integer> EPOCHS = Setting.integer("epochs", "--epochs")
      .label("E").dflt(0).dfltText("auto").word("auto", 0).noun("number of epochs").in(OPTIMIZER)
      .check(e -> e >= 0, "an integer >= 1, or auto (0)")
      .doc("Passes over the training data; iterations of gd. auto (0): " + RunLength.MIN_EPOCHS + ", or on small "
          + "data as many as make " + RunLength.MIN_STEPS + " minibatch steps, at most " + RunLength.MAX_EPOCHS + " ("
          + RunLength.MIN_EPOCHS + " iterations of gd)").build();

  public static final Setting<Double> MOMENTUM = unit("momentum", "--momentum", "MU", 0.9, "μ of momentum and nesterov");
  public static final Setting<Double> BETA1 = unit("beta1", "--beta1", "BETA1", 0.9,
      "β₁ of adam/adamw/nadam/amsgrad/adamax");
  public static final Setting<Double> BETA2 = unit("beta2", "--beta2", "BETA2", 0.999,
      "β₂ of adam/adamw/nadam/amsgrad/adamax");
  /**
   * ρ and ε: the values common to the rules that take them (rmsprop's ρ 0.99, Keras's and PyTorch's ε 1e-8), except
   * for adadelta, which takes Zeiler's (2012) ρ 0.95 and ε 1e-6: its step is √(E[Δθ²] + ε)/√(E[g²] + ε)·g, so ε sets
   * the size of its first steps (about √(ε/(1-ρ)): 4.5e-3 with 0.95/1e-6, 1e-3 with 0.99/1e-8). Measured on Fashion-MNIST's softmax, adadelta at
   * its rate 1.0, 2 epochs, the other defaults: 0.8401 with 0.95/1e-6, 0.8180 with 0.99/1e-8.
   */
  private static final double ADADELTA_RHO = 0.95;
  private static final double ADADELTA_EPS = 1e-6;

  public static final Setting<Double> RHO = Setting.real("rho", "--rho").label("RHO").noun("decay factor").in(OPTIMIZER)
      .dfltFrom(v -> optimizerName(v).equals("adadelta") ? ADADELTA_RHO : 0.99, "0.99; adadelta 0.95")
      .check(x -> x >= 0 && x < 1, "a number in [0, 1)")
      .doc("ρ, the decay of rmsprop's and adadelta's running averages").build();

  public static final Setting<Double> EPS = Setting.real("eps", "--eps")
      .label("EPS").noun("epsilon").in(OPTIMIZER)
      .dfltFrom(v -> optimizerName(v).equals("adadelta") ? ADADELTA_EPS : 1e-8, "1e-8; adadelta 1e-6")
      .check(x -> x > 0 && finite(x), FINITE + " > 0")
      .doc("ε of adagrad, rmsprop, adadelta, adam/adamw/nadam/amsgrad/adamax").build();

  public static final Setting<Double> WEIGHT_DECAY = Setting.real("weightDecay", "--weight-decay")
      .label("WD").dflt(0.01).noun("weight decay").in(OPTIMIZER)
      .check(x -> x >= 0 && finite(x), FINITE + " >= 0")
      .doc("Decoupled weight decay of adamw, on weights only").build();

  public static final Setting<String> LINE_SEARCH = Setting.choice("lineSearch", "--line-search",
          () -> List.of("armijo", "none"))
      .label("LS").dflt("armijo").noun("line search").in(OPTIMIZER)
      .doc("gd: armijo (backtracking; every trial is one distributed loss pass) or none").build();

  public static final Setting<Double> TOL = Setting.real("tol", "--tol")
      .label("TOL").dflt(1e-6).noun("tolerance").in(OPTIMIZER)
      .check(x -> x >= 0 && finite(x), FINITE + " >= 0")
      .doc("gd: stop when ‖Δθ‖ or the relative loss change is below it; 0 runs every epoch").build();

  public static final Setting<Integer> TRIALS = Setting.integer("trials", "--trials")
      .label("N").dflt(100).noun("number of trials").in(OPTIMIZER)
      .check(t -> t >= 1, "an integer >= 1")
      .doc("random-search: weight matrices to try").build();

  public static final Setting<Integer> LOCAL_STEPS = Setting.integer("localSteps", "--local-steps")
      .label("K").dflt(1).noun("number of local steps").in(OPTIMIZER)
      .check(k -> k >= 1, "an integer >= 1 (1 = synchronous SGD)")
      .doc("Minibatch steps each partition takes per Spark job before the driver averages the local models; 1 is "
          + "exact synchronous SGD, more trades exactness for fewer jobs").build();

  public static final Setting<String> SYNC = Setting.choice("sync", "--sync",
          () -> List.of("auto", "jobs", "collective"))
      .label("T").dflt("auto").noun("step transport").in(TRANSPORT)
      .doc("How minibatch steps reach the partitions: jobs (a Spark job per step, or per {localSteps}, the "
          + "partial sums merged on the driver), collective (the partitions' tasks stay alive for a stretch of "
          + "steps, gang-scheduled, and sum among themselves); both give the same bits. auto takes collective "
          + "where a barrier stage can run (as many task slots as partitions, no dynamic allocation)").build();

  public static final Setting<Integer> COLLECTIVE_TIMEOUT = Setting.integer("collectiveTimeout",
          "--collective-timeout")
      .label("S").dflt(120).noun("collective timeout").in(TRANSPORT)
      .check(t -> t >= 1, "an integer >= 1 (seconds)")
      .doc("Seconds a collective task waits for another (to connect, or for its sums of a step) before the "
          + "segment fails and Spark retries it: a dead peer fails the stage instead of hanging it").build();

  public static final Setting<Double> ABORT_FACTOR = Setting.real("abortFactor", "--abort-factor")
      .label("F").dflt(3.0).mlDefault(0.0).noun("abort factor").in(OPTIMIZER)
      .check(x -> (x == 0 || x > 1) && finite(x), "0 (never) or a finite number > 1")
      .doc("Stop when the minibatch loss exceeds F times the first step's (the loss exploded); 0 never (Spark ML: "
          + "0, so that one diverging grid point does not fail a whole CrossValidator)").build();

  public static final Setting<Long> SEED = Setting.longInteger("seed", "--seed")
      .label("S").dflt(42L).noun("seed").in(OPTIMIZER)
      .doc("Seeds initialization, minibatch order, dropout and the validation split").build();

  // ---- schedule ----

  public static final Setting<Double> LEARNING_RATE = Setting.real("learningRate", "--lr")
      .label("ETA").noun("learning rate").in(SCHEDULE)
      .dfltFrom(v -> OptimizerConfig.defaultRate(optimizerName(v), isNetwork(v)), "the optimizer's")
      .word("auto", 0.0)
      .check(x -> x >= 0 && finite(x), FINITE + " > 0, or auto (0)")
      .doc("Learning rate η₀; by default the {optimizer}'s own (sgd 0.1, or 0.2 for a network; adam 0.001; ...: docs/CONFIGURATION.md); "
          + "auto (0): picked before training by short runs on a sample at rates from 1e-5 to 10 (a learning-rate "
          + "range test)").build();

  public static final Setting<String> SCHEDULE_KIND = Setting.choice("schedule", "--schedule",
          () -> List.of("constant", "step", "exponential", "inverse", "cosine"))
      .label("S").dflt("cosine").noun("schedule").in(SCHEDULE)
      .doc("constant, step (η₀·γ^⌊t/s⌋), exponential (η₀·e^(-k·t)), inverse (η₀/(1+k·t)), cosine (from η₀ to "
          + "{lrMin} over the run's epochs); t in epochs").build();

  public static final Setting<Double> LR_DECAY = Setting.real("lrDecay", "--lr-decay")
      .label("GAMMA").dflt(0.8).noun("learning-rate decay").in(SCHEDULE)
      .check(x -> x > 0 && x <= 1, "a number in (0, 1] (1 = constant)")
      .doc("γ of the step schedule").build();

  public static final Setting<Double> LR_STEP = Setting.real("lrStep", "--lr-step")
      .label("EPOCHS").dflt(1.0).noun("decay interval").in(SCHEDULE)
      .check(x -> x > 0 && finite(x), "a number of epochs > 0")
      .doc("s, epochs between step decays").build();

  public static final Setting<Double> DECAY_RATE = Setting.real("decayRate", "--decay-rate")
      .label("K").dflt(0.5).noun("decay rate").in(SCHEDULE)
      .check(x -> x >= 0 && finite(x), FINITE + " >= 0")
      .doc("k of the exponential and inverse schedules").build();

  public static final Setting<Double> LR_MIN = Setting.real("lrMin", "--lr-min")
      .label("ETA").dflt(0.0).noun("final learning rate").in(SCHEDULE)
      .check(x -> x >= 0 && finite(x), "a number in [0, {learningRate}]")
      .doc("Final rate of the cosine schedule").build();

  public static final Setting<Double> WARMUP = Setting.real("warmup", "--warmup")
      .label("EPOCHS").dflt(0.0).noun("warm-up").in(SCHEDULE)
      .check(x -> x >= 0 && finite(x), "a number of epochs >= 0")
      .doc("Linear warm-up over this many epochs, for any schedule").build();

  // ---- regularization ----

  public static final Setting<Double> REG = Setting.real("regParam", "--reg")
      .label("LAMBDA").dflt(1e-4).noun("regularization strength").in(REGULARIZATION)
      .check(x -> x >= 0 && finite(x), FINITE + " >= 0")
      .doc("Regularization strength λ on weights (never biases)").build();

  public static final Setting<Double> L1_RATIO = Setting.real("l1Ratio", "--l1-ratio")
      .label("ALPHA").dflt(0.0).noun("L1 ratio").in(REGULARIZATION)
      .check(x -> x >= 0 && x <= 1, "a number in [0, 1] (0 = L2, 1 = L1)")
      .doc("λ·(α·‖W‖₁ + (1-α)·‖W‖²): 0 is L2, 1 is L1, between is elastic net").build();

  public static final Setting<Double> MAX_NORM = Setting.real("maxNorm", "--max-norm")
      .label("C").dflt(0.0).noun("max-norm constraint").in(REGULARIZATION)
      .check(x -> x >= 0 && finite(x), "a finite number > 0 (0 for none)")
      .doc("Max-norm constraint on each unit's incoming weights; 0 for none").build();

  public static final Setting<Double> DROPOUT = Setting.real("dropout", "--dropout")
      .label("P").dflt(0.0).noun("dropout probability").in(REGULARIZATION)
      .check(x -> x >= 0 && x < 1, "a number in [0, 1)")
      .doc("Inverted dropout after each hidden activation, training only").build();

  // ---- stopping ----

  public static final Setting<String> EARLY_STOPPING = Setting.choice("earlyStopping", "--early-stopping",
          () -> List.of("none", "val_loss", "val_rmse", "val_accuracy"))
      .label("METRIC").dflt("none").noun("early-stopping metric").in(STOPPING)
      .canonical(s -> s.replace('-', '_'))
      .doc("none, val_loss, val_rmse (regression) or val_accuracy (classification): stop after {patience} epochs "
          + "without improvement and keep the best epoch's weights (needs validation rows)").build();

  public static final Setting<Integer> PATIENCE = Setting.integer("patience", "--patience")
      .label("N").dflt(3).noun("patience").in(STOPPING)
      .check(p -> p >= 1, "an integer >= 1")
      .doc("Epochs without improvement before early stopping").build();

  // ---- data ----

  public static final Setting<Double> VALIDATION_FRACTION = Setting.real("validationFraction", "--val-fraction")
      .label("F").dflt(0.1).mlDefault(0.0).noun("validation fraction").in(DATA)
      .check(x -> x >= 0 && x < 1, "a number in [0, 1)")
      .doc("Fraction of training rows held out for validation, seeded (Spark ML: 0, a pipeline holds out its own)")
      .build();

  public static final Setting<Integer> NUM_PARTITIONS = Setting.integer("numPartitions", "--partitions")
      .label("P").dflt(0).noun("partition count").in(DATA)
      .check(p -> p >= 0, "an integer >= 1 (or 0 for the default)")
      .doc("Partitions of the training data; 0 for the master's cores (Spark's default parallelism)").build();

  public static final Setting<Integer> BLOCK_ROWS = Setting.integer("blockRows", "--block-rows")
      .label("R").dflt(0).noun("block size").in(DATA)
      .check(r -> r >= 0, "an integer >= 1 (or 0 for automatic)")
      .doc("Rows per cached dense block; 0 for about 32 MB per block").build();

  public static final Setting<String> WEIGHT_COL = Setting.text("weightCol", "--weight-col")
      .label("NAME").dflt("").noun("weight column").in(DATA)
      .doc("Sample-weight column; empty for none (every row weighs 1)").build();

  // ---- checkpoints ----

  public static final Setting<String> CHECKPOINT_DIR = Setting.text("checkpointDir", "--checkpoint-dir")
      .label("DIR").dflt("").noun("checkpoint directory").in(CHECKPOINTS)
      .doc("Save checkpoints (weights, optimizer state, position, settings) here: a local path or any Hadoop file "
          + "system URI (hdfs://, s3a://); removed when the run succeeds; empty for none").build();

  public static final Setting<String> CHECKPOINT_EVERY = Setting.text("checkpointEvery", "--checkpoint-every")
      .label("N").dflt("1epoch").noun("checkpoint interval").in(CHECKPOINTS)
      .check(v -> v.strip().toLowerCase(Locale.ROOT).matches("0*[1-9]\\d{0,8}\\s*(steps?|epochs?)?"),
          "N steps or N epochs, N >= 1: e.g. 500, 500steps, 1epoch")
      .doc("Checkpoint interval: N steps (500, 500steps) or N epochs (1epoch, 2epochs)").build();

  public static final Setting<Integer> CHECKPOINT_KEEP = Setting.integer("checkpointKeep", "--checkpoint-keep")
      .label("K").dflt(2).noun("number of checkpoints to keep").in(CHECKPOINTS)
      .check(k -> k >= 1, "an integer >= 1")
      .doc("Complete checkpoints kept; older ones are removed").build();

  public static final Setting<Boolean> RESUME = Setting.bool("resume", "--resume")
      .noun("resume").in(CHECKPOINTS)
      .doc("Continue from the newest complete checkpoint in {checkpointDir} (start afresh when there is none); a "
          + "corrupt or partial checkpoint is skipped with a warning").build();

  // ---- warm start ----

  public static final Setting<String> INITIAL_MODEL = Setting.text("initialModel", "--init-model")
      .label("DIR").dflt("").noun("initial model").in(WARM_START)
      .check(v -> v.equals(v.strip()), "a path without surrounding blanks, or empty for none")
      .doc("Warm start: start from this saved model's weights (a run folder, its model/ folder, a saved "
          + "DownhillClassificationModel or a PipelineModel holding one; any Hadoop path) when the architecture, "
          + "loss, classes and input width match; fresh optimizer state, schedule from epoch 1; empty for random "
          + "weights").build();

  /** Every setting, in help order. */
  public static final List<Setting<?>> ALL = List.of(MODEL_TYPE, LOSS, HIDDEN_LAYERS, ACTIVATION, BATCH_NORM, INIT, INIT_SCALE,
      PRECISION, ALGORITHM, OPTIMIZER_NAME, BATCH_SIZE, EPOCHS, MOMENTUM, BETA1, BETA2, EPS, RHO, WEIGHT_DECAY,
      LINE_SEARCH, TOL, TRIALS, LOCAL_STEPS, SYNC, COLLECTIVE_TIMEOUT, ABORT_FACTOR, SEED, LEARNING_RATE, SCHEDULE_KIND, LR_DECAY, LR_STEP,
      DECAY_RATE, LR_MIN, WARMUP, REG, L1_RATIO, MAX_NORM, DROPOUT, EARLY_STOPPING, PATIENCE, VALIDATION_FRACTION,
      NUM_PARTITIONS, BLOCK_ROWS, WEIGHT_COL, CHECKPOINT_DIR, CHECKPOINT_EVERY, CHECKPOINT_KEEP, RESUME,
      INITIAL_MODEL);

  /**
   * The update rule or algorithm the values name: {@code optimizer}, or the {@code algorithm} when that is not
   * minibatch (as {@link TrainingConfig#from} reads them).
   */
  static String optimizerName(Setting.Lookup v) {
    String algorithm = v.get(ALGORITHM);
    return algorithm.equals("minibatch") ? v.get(OPTIMIZER_NAME) : algorithm;
  }

  /** Whether the values ask for a network: {@code modelType mlp}, or hidden layers (which make one). */
  static boolean isNetwork(Setting.Lookup v) {
    return v.get(MODEL_TYPE).equals("mlp") || !v.get(HIDDEN_LAYERS).isEmpty();
  }

  /** The setting of this schema name, or null. */
  public static Setting<?> named(String name) {
    for (Setting<?> s : ALL) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static Setting<Double> unit(String name, String flag, String label, double dflt, String doc) {
    return Setting.real(name, flag).label(label).dflt(dflt).noun("decay factor").in(OPTIMIZER)
        .check(x -> x >= 0 && x < 1, "a number in [0, 1)").doc(doc).build();
  }
}
