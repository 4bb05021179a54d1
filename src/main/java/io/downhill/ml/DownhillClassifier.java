package io.downhill.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.linalg.Precision;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import io.downhill.model.ModelFiles;
import io.downhill.optim.OptimizerConfig;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import io.downhill.spark.SparkGradientSource;
import io.downhill.spark.TrainingData;
import io.downhill.checkpoint.CheckpointStore;
import io.downhill.checkpoint.Checkpointing;
import io.downhill.shard.ShardComputer;
import io.downhill.train.Trainer;
import io.downhill.train.TrainerState;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
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
import scala.Function1;

/**
 * Downhill as a Spark ML {@code Estimator}: a {@code ProbabilisticClassifier} over a vector
 * features column and a label column of class indices 0..k-1 (a StringIndexer's output, say).
 * {@code fit} blocks and caches the rows, trains with data-parallel minibatch SGD exactly as
 * {@code downhill train} does, and returns a {@link DownhillClassificationModel}.
 *
 * <p>Its Params mirror the command line's flags (e.g. {@code setLearningRate} is {@code --lr},
 * {@code setHiddenLayers} is {@code --hidden}); every value is checked when it is set (also
 * through a {@code ParamMap} or a {@code ParamGridBuilder}), with a message that says what is
 * allowed. Settings that only clash with each other (hidden layers on a linear model) are refused at
 * {@code fit}. {@code weightCol} weighs rows; {@code validationFraction} holds rows out for
 * early stopping; {@code checkpointDir} with {@code resume} continues an interrupted fit exactly;
 * {@code initialModel} starts from a saved model's weights ({@link WarmStart}).
 *
 * <p>No Java code of Downhill runs the ML API: it is Spark's {@code Predictor.fit} (schema checks,
 * label casting, copying Params to the model), and this class only implements {@code train}.
 */
public final class DownhillClassifier
    extends ProbabilisticClassifier<Vector, DownhillClassifier, DownhillClassificationModel>
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DownhillClassifier.class);

  private String uid; // no initializer: set by uid() while the superclass constructor runs (see Uid)
  private Param<String> modelType;
  private IntArrayParam hiddenLayers;
  private Param<String> activation;
  private Param<String> loss;
  private Param<String> optimizer;
  private DoubleParam learningRate;
  private Param<String> schedule;
  private DoubleParam lrDecay;
  private DoubleParam lrStep;
  private DoubleParam decayRate;
  private DoubleParam lrMin;
  private DoubleParam warmup;
  private DoubleParam momentum;
  private DoubleParam beta1;
  private DoubleParam beta2;
  private DoubleParam eps;
  private DoubleParam rho;
  private DoubleParam weightDecay;
  private IntParam batchSize;
  private IntParam epochs;
  private DoubleParam regParam;
  private DoubleParam l1Ratio;
  private DoubleParam maxNorm;
  private DoubleParam dropout;
  private Param<String> init;
  private DoubleParam initScale;
  private LongParam seed;
  private Param<String> precision;
  private IntParam numPartitions;
  private IntParam blockRows;
  private IntParam localSteps;
  private Param<String> earlyStopping;
  private IntParam patience;
  private DoubleParam validationFraction;
  private Param<String> weightCol;
  private Param<String> checkpointDir;
  private Param<String> checkpointEvery;
  private IntParam checkpointKeep;
  private BooleanParam resume;
  private Param<String> initialModel;

  public DownhillClassifier() {
    this(Identifiable$.MODULE$.randomUID("downhill"));
  }

  public DownhillClassifier(String uid) {
    this(Uid.of(uid));
  }

  private DownhillClassifier(Uid uid) {
    this.uid = uid.value;
    uid.done();
    defineParams();
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uid.pending();
    }
    return uid;
  }

  /** A validator that fails with a message naming the parameter, the value and what is allowed. */
  private <T> Function1<T, Object> allowed(String name, Predicate<T> ok, String allowed) {
    return v -> {
      if (!ok.test(v)) {
        throw new IllegalArgumentException("DownhillClassifier parameter " + name + ": invalid value "
            + (v instanceof int[] a ? Arrays.toString(a) : String.valueOf(v)) + "; allowed: " + allowed);
      }
      return true;
    };
  }

  private Param<String> choice(String name, String doc, List<String> values, String dflt) {
    Param<String> p = new Param<>(this, name, doc + " (" + String.join(", ", values) + ")",
        allowed(name, v -> v != null && values.contains(v.toLowerCase(Locale.ROOT)), "one of " + values));
    setDefault(p, dflt);
    return p;
  }

  private DoubleParam real(String name, String doc, Predicate<Double> ok, String allowed, double dflt) {
    DoubleParam p = new DoubleParam(this, name, doc, allowed(name, v -> {
      double x = (Double) v;
      return Double.isFinite(x) && ok.test(x);
    }, allowed));
    setDefault(p, dflt);
    return p;
  }

  private IntParam integer(String name, String doc, int min, int dflt) {
    IntParam p = new IntParam(this, name, doc, allowed(name, v -> (Integer) v >= min, "an integer >= " + min));
    setDefault(p, dflt);
    return p;
  }

  private static final String FINITE = "a finite number";

  private void defineParams() {
    modelType = choice("modelType", "softmax, svm (multiclass hinge) or logistic: a linear score function; mlp: a "
        + "fully connected network", List.of("softmax", "svm", "logistic", "mlp"), "softmax");
    hiddenLayers = new IntArrayParam(this, "hiddenLayers", "hidden layer widths of an mlp (default 256)",
        allowed("hiddenLayers", (int[] v) -> Arrays.stream(v).allMatch(h -> h > 0), "positive widths, e.g. [256, 128]"));
    setDefault(hiddenLayers, new int[0]);
    activation = choice("activation", "hidden activation", List.of("relu", "leaky-relu", "tanh"), "relu");
    loss = choice("loss", "head of an mlp; auto: softmax, or the linear model's own", List.of("auto", "softmax", "svm",
        "logistic"), "auto");
    optimizer = choice("optimizer", "update rule", OptimizerConfig.NAMES.subList(0, 7), "sgd");
    learningRate = real("learningRate", "learning rate η₀", x -> x > 0, FINITE + " > 0", 0.1);
    schedule = choice("schedule", "learning-rate schedule, t in epochs",
        List.of("constant", "step", "exponential", "inverse", "cosine"), "step");
    lrDecay = real("lrDecay", "γ of the step schedule", x -> x > 0 && x <= 1, "a number in (0, 1]", 0.8);
    lrStep = real("lrStep", "epochs between step decays", x -> x > 0, FINITE + " > 0", 1.0);
    decayRate = real("decayRate", "k of the exponential and inverse schedules", x -> x >= 0, FINITE + " >= 0", 0.5);
    lrMin = real("lrMin", "final rate of the cosine schedule", x -> x >= 0, FINITE + " >= 0", 0.0);
    warmup = real("warmup", "linear warm-up epochs", x -> x >= 0, FINITE + " >= 0", 0.0);
    momentum = real("momentum", "μ of momentum and nesterov", x -> x >= 0 && x < 1, "a number in [0, 1)", 0.9);
    beta1 = real("beta1", "β₁ of adam/adamw", x -> x >= 0 && x < 1, "a number in [0, 1)", 0.9);
    beta2 = real("beta2", "β₂ of adam/adamw", x -> x >= 0 && x < 1, "a number in [0, 1)", 0.999);
    eps = real("eps", "ε of adagrad, rmsprop, adam", x -> x > 0, FINITE + " > 0", 1e-8);
    rho = real("rho", "ρ of rmsprop", x -> x >= 0 && x < 1, "a number in [0, 1)", 0.99);
    weightDecay = real("weightDecay", "decoupled weight decay of adamw", x -> x >= 0, FINITE + " >= 0", 0.01);
    batchSize = integer("batchSize", "global minibatch size B", 1, 256);
    epochs = integer("epochs", "passes over the training data", 1, 10);
    regParam = real("regParam", "regularization strength λ on weights (never biases)", x -> x >= 0, FINITE + " >= 0",
        1e-4);
    l1Ratio = real("l1Ratio", "λ·(α·‖W‖₁ + (1-α)·‖W‖²): 0 is L2, 1 is L1", x -> x >= 0 && x <= 1,
        "a number in [0, 1]", 0.0);
    maxNorm = real("maxNorm", "max-norm constraint on each unit's incoming weights, 0 for none", x -> x >= 0,
        FINITE + " >= 0", 0.0);
    dropout = real("dropout", "inverted dropout after each hidden activation", x -> x >= 0 && x < 1,
        "a number in [0, 1)", 0.0);
    init = choice("init", "weight initialization", List.of("auto", "gaussian", "xavier", "he"), "auto");
    initScale = real("initScale", "σ of the gaussian initialization", x -> x > 0, FINITE + " > 0", 0.01);
    seed = new LongParam(this, "seed", "seeds initialization, minibatch order, dropout and the validation split");
    setDefault(seed, 42L);
    precision = choice("precision", "storage and arithmetic precision", List.of("float32", "float64"), "float32");
    numPartitions = integer("numPartitions", "partitions of the training data; 0 for Spark's default parallelism",
        0, 0);
    blockRows = integer("blockRows", "rows per cached block; 0 for about 32 MB blocks", 0, 0);
    localSteps = integer("localSteps", "minibatch steps per partition per Spark job (1: exact synchronous SGD)", 1, 1);
    earlyStopping = choice("earlyStopping", "stop when a validation metric stops improving (needs validationFraction)",
        List.of("none", "val_loss", "val_accuracy"), "none");
    patience = integer("patience", "epochs without improvement before early stopping", 1, 3);
    validationFraction = real("validationFraction", "fraction of rows held out for validation", x -> x >= 0 && x < 1,
        "a number in [0, 1)", 0.0);
    weightCol = new Param<>(this, "weightCol", "sample-weight column; empty for none",
        allowed("weightCol", (String v) -> v != null, "a column name, or empty for none"));
    setDefault(weightCol, "");
    checkpointDir = new Param<>(this, "checkpointDir", "where to save checkpoints (any Hadoop path); empty for none",
        allowed("checkpointDir", (String v) -> v != null, "a path, or empty for none"));
    setDefault(checkpointDir, "");
    checkpointEvery = new Param<>(this, "checkpointEvery", "checkpoint interval: N steps or N epochs",
        allowed("checkpointEvery", (String v) -> v != null && v.trim().toLowerCase(Locale.ROOT)
            .matches("[1-9]\\d{0,8}\\s*(steps?|epochs?)?"), "N steps or N epochs, N >= 1: e.g. 500, 500steps, 1epoch"));
    setDefault(checkpointEvery, "1epoch");
    checkpointKeep = integer("checkpointKeep", "complete checkpoints kept", 1, 2);
    resume = new BooleanParam(this, "resume", "continue from the newest complete checkpoint in checkpointDir");
    setDefault(resume, false);
    initialModel = new Param<>(this, "initialModel", "warm start: a saved DownhillClassificationModel, or a "
        + "PipelineModel or run folder holding one, whose weights fit starts from (same architecture, loss, classes "
        + "and input width); empty for random weights",
        allowed("initialModel", (String v) -> v != null && v.equals(v.strip()), "a path without surrounding "
            + "blanks, or empty for none"));
    setDefault(initialModel, "");
  }

  // ---- setters and getters (the command line's flag in brackets) ----

  public DownhillClassifier setModelType(String v) { set(modelType, v.toLowerCase(Locale.ROOT)); return this; }
  public DownhillClassifier setHiddenLayers(int[] v) { set(hiddenLayers, v); return this; }
  public DownhillClassifier setActivation(String v) { set(activation, v.toLowerCase(Locale.ROOT)); return this; }
  public DownhillClassifier setLoss(String v) { set(loss, v.toLowerCase(Locale.ROOT)); return this; }
  public DownhillClassifier setOptimizer(String v) { set(optimizer, v.toLowerCase(Locale.ROOT)); return this; }
  public DownhillClassifier setLearningRate(double v) { set(learningRate, v); return this; }
  public DownhillClassifier setSchedule(String v) { set(schedule, v.toLowerCase(Locale.ROOT)); return this; }
  public DownhillClassifier setLrDecay(double v) { set(lrDecay, v); return this; }
  public DownhillClassifier setLrStep(double v) { set(lrStep, v); return this; }
  public DownhillClassifier setDecayRate(double v) { set(decayRate, v); return this; }
  public DownhillClassifier setLrMin(double v) { set(lrMin, v); return this; }
  public DownhillClassifier setWarmup(double v) { set(warmup, v); return this; }
  public DownhillClassifier setMomentum(double v) { set(momentum, v); return this; }
  public DownhillClassifier setBeta1(double v) { set(beta1, v); return this; }
  public DownhillClassifier setBeta2(double v) { set(beta2, v); return this; }
  public DownhillClassifier setEps(double v) { set(eps, v); return this; }
  public DownhillClassifier setRho(double v) { set(rho, v); return this; }
  public DownhillClassifier setWeightDecay(double v) { set(weightDecay, v); return this; }
  public DownhillClassifier setBatchSize(int v) { set(batchSize, v); return this; }
  public DownhillClassifier setEpochs(int v) { set(epochs, v); return this; }
  public DownhillClassifier setRegParam(double v) { set(regParam, v); return this; }
  public DownhillClassifier setL1Ratio(double v) { set(l1Ratio, v); return this; }
  public DownhillClassifier setMaxNorm(double v) { set(maxNorm, v); return this; }
  public DownhillClassifier setDropout(double v) { set(dropout, v); return this; }
  public DownhillClassifier setInit(String v) { set(init, v.toLowerCase(Locale.ROOT)); return this; }
  public DownhillClassifier setInitScale(double v) { set(initScale, v); return this; }
  public DownhillClassifier setSeed(long v) { set(seed, v); return this; }
  public DownhillClassifier setPrecision(String v) { set(precision, v.toLowerCase(Locale.ROOT)); return this; }
  public DownhillClassifier setNumPartitions(int v) { set(numPartitions, v); return this; }
  public DownhillClassifier setBlockRows(int v) { set(blockRows, v); return this; }
  public DownhillClassifier setLocalSteps(int v) { set(localSteps, v); return this; }
  public DownhillClassifier setEarlyStopping(String v) { set(earlyStopping, v.toLowerCase(Locale.ROOT)); return this; }
  public DownhillClassifier setPatience(int v) { set(patience, v); return this; }
  public DownhillClassifier setValidationFraction(double v) { set(validationFraction, v); return this; }
  public DownhillClassifier setWeightCol(String v) { set(weightCol, v); return this; }
  public DownhillClassifier setCheckpointDir(String v) { set(checkpointDir, v); return this; }
  public DownhillClassifier setCheckpointEvery(String v) { set(checkpointEvery, v); return this; }
  public DownhillClassifier setCheckpointKeep(int v) { set(checkpointKeep, v); return this; }
  public DownhillClassifier setResume(boolean v) { set(resume, v); return this; }
  public DownhillClassifier setInitialModel(String v) { set(initialModel, v); return this; }

  public Param<String> modelType() { return modelType; }
  public IntArrayParam hiddenLayers() { return hiddenLayers; }
  public Param<String> activation() { return activation; }
  public Param<String> loss() { return loss; }
  public Param<String> optimizer() { return optimizer; }
  public DoubleParam learningRate() { return learningRate; }
  public Param<String> schedule() { return schedule; }
  public DoubleParam lrDecay() { return lrDecay; }
  public DoubleParam lrStep() { return lrStep; }
  public DoubleParam decayRate() { return decayRate; }
  public DoubleParam lrMin() { return lrMin; }
  public DoubleParam warmup() { return warmup; }
  public DoubleParam momentum() { return momentum; }
  public DoubleParam beta1() { return beta1; }
  public DoubleParam beta2() { return beta2; }
  public DoubleParam eps() { return eps; }
  public DoubleParam rho() { return rho; }
  public DoubleParam weightDecay() { return weightDecay; }
  public IntParam batchSize() { return batchSize; }
  public IntParam epochs() { return epochs; }
  public DoubleParam regParam() { return regParam; }
  public DoubleParam l1Ratio() { return l1Ratio; }
  public DoubleParam maxNorm() { return maxNorm; }
  public DoubleParam dropout() { return dropout; }
  public Param<String> init() { return init; }
  public DoubleParam initScale() { return initScale; }
  public LongParam seed() { return seed; }
  public Param<String> precision() { return precision; }
  public IntParam numPartitions() { return numPartitions; }
  public IntParam blockRows() { return blockRows; }
  public IntParam localSteps() { return localSteps; }
  public Param<String> earlyStopping() { return earlyStopping; }
  public IntParam patience() { return patience; }
  public DoubleParam validationFraction() { return validationFraction; }
  public Param<String> weightCol() { return weightCol; }
  public Param<String> checkpointDir() { return checkpointDir; }
  public Param<String> checkpointEvery() { return checkpointEvery; }
  public IntParam checkpointKeep() { return checkpointKeep; }
  public BooleanParam resume() { return resume; }
  public Param<String> initialModel() { return initialModel; }
  public String getInitialModel() { return str(initialModel); }

  private String str(Param<String> p) {
    return getOrDefault(p);
  }

  private double num(DoubleParam p) {
    return (Double) getOrDefault(p);
  }

  private int integer(IntParam p) {
    return (Integer) getOrDefault(p);
  }

  /** The training settings these Params describe (the same record the command line builds). */
  public TrainingConfig trainingConfig() {
    String m = str(modelType);
    List<Integer> hidden = new ArrayList<>();
    for (int h : (int[]) getOrDefault(hiddenLayers)) {
      hidden.add(h);
    }
    String head = str(loss);
    if (m.equals("mlp")) {
      if (hidden.isEmpty()) {
        hidden.add(256);
      }
      head = head.equals("auto") ? "softmax" : head;
    } else {
      if (!hidden.isEmpty()) {
        throw BadInputException.of("DownhillClassifier hiddenLayers", "hidden layers on a linear model",
            "modelType mlp, or no hiddenLayers", "modelType " + m + ", hiddenLayers " + hidden);
      }
      if (!head.equals("auto") && !head.equals(m)) {
        throw BadInputException.of("DownhillClassifier loss", "loss disagrees with the linear model",
            "auto or " + m, head);
      }
      head = m;
    }
    return TrainingConfig.builder().loss(head).hidden(hidden).activation(str(activation))
        .dropout(num(dropout)).init(str(init)).initScale(num(initScale)).optimizer(str(optimizer))
        .momentum(num(momentum)).beta1(num(beta1)).beta2(num(beta2)).eps(num(eps)).rho(num(rho))
        .weightDecay(num(weightDecay)).schedule(str(schedule)).learningRate(num(learningRate)).lrDecay(num(lrDecay))
        .lrStep(num(lrStep)).decayRate(num(decayRate)).lrMin(num(lrMin)).warmup(num(warmup)).reg(num(regParam))
        .l1Ratio(num(l1Ratio)).maxNorm(num(maxNorm)).batchSize(integer(batchSize)).epochs(integer(epochs))
        .seed((Long) getOrDefault(seed)).precision(Precision.parse(str(precision)))
        .earlyStopping(str(earlyStopping)).patience(integer(patience)).localSteps(integer(localSteps)).build();
  }

  @Override
  public DownhillClassificationModel train(Dataset<?> dataset) {
    TrainingConfig config = trainingConfig();
    if (config.earlyStopping().enabled() && num(validationFraction) == 0) {
      throw BadInputException.of("DownhillClassifier earlyStopping " + str(earlyStopping), "early stopping without "
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
    String weight = str(weightCol).isEmpty() ? null : str(weightCol);
    DataLoader.Settings settings = DataLoader.Settings.builder(DataSpec.dataFrame("DataFrame given to " + uid))
        .valFraction(num(validationFraction)).seed(config.seed()).partitions(integer(numPartitions))
        .precision(config.precision()).blockRows(integer(blockRows)).preprocess(Preprocess.NONE).numClasses(classes)
        .labelCol(getLabelCol()).featuresCol(getFeaturesCol()).weightCol(weight).build();
    TrainingData td = DataLoader.load(spark, dataset.toDF(), null, settings);
    try {
      if (td.labels().isPlusMinusOne()) {
        throw BadInputException.of("DownhillClassifier labelCol " + getLabelCol(), "labels -1/+1",
            "class indices 0..k-1 (Spark ML's convention)", "-1 and +1");
      }
      int k = td.labels().numClasses();
      Model model;
      try {
        io.downhill.model.ModelSpec spec = config.model().spec(td.features(), k);
        spec.checkFits("DownhillClassifier modelType " + str(modelType), Runtime.getRuntime().maxMemory());
        model = Model.of(spec);
      } catch (IllegalArgumentException e) {
        throw BadInputException.of("DownhillClassifier modelType " + str(modelType), "binary model on multiclass data",
            "2 classes", k + " classes");
      }
      Loss lossFn = Losses.parse(config.loss());
      List<String> classNames = names != null && names.size() == k ? names : ModelFiles.indexNames(k);
      WarmStart parent = null;
      double[] theta;
      if (!str(initialModel).isEmpty()) {
        parent = WarmStart.load(spark, str(initialModel), "DownhillClassifier initialModel " + str(initialModel));
        parent.check(model.spec(), lossFn.name(), td.labels(), names != null && names.size() == k ? names : null,
            "featuresCol " + getFeaturesCol());
        theta = parent.theta(); // only θ: the parent's preprocessing stages, if any, are the caller's pipeline's
      } else {
        theta = new double[model.layout().size()];
        config.model().initializer().initialize(model.layout(), theta, config.seed());
      }
      ShardComputer computer = new ShardComputer(model, lossFn, k, config.precision(), config.seed());
      TrainingResult result;
      CheckpointStore store = null;
      try (SparkGradientSource source = new SparkGradientSource(JavaSparkContexts.of(spark), td, computer)) {
        Trainer trainer = new Trainer(config, model, source, List.of());
        if (!str(checkpointDir).isEmpty()) {
          store = new CheckpointStore(str(checkpointDir), integer(checkpointKeep),
              spark.sparkContext().hadoopConfiguration());
          TrainerState state = store.begin((Boolean) getOrDefault(resume), "DownhillClassifier checkpointDir "
              + str(checkpointDir), "resume true", line -> LOG.warn("checkpoints: {}", line)).state();
          trainer = trainer.withCheckpoints(Checkpointing.of(store, str(checkpointEvery),
              config + "; data " + td.identity() + (parent == null ? "" : "; " + parent.identity()), List::of), state);
        }
        result = trainer.fit(theta);
      }
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
      DownhillSummary.fill(summary, td, result);
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

  @Override
  public DownhillClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<DownhillClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static DownhillClassifier load(String path) {
    return read().load(path);
  }
}
