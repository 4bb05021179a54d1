package io.downhill.cli;

import static io.downhill.train.TrainingSettings.ACTIVATION;
import static io.downhill.train.TrainingSettings.BATCH_NORM;
import static io.downhill.train.TrainingSettings.DROPOUT;
import static io.downhill.train.TrainingSettings.HIDDEN_LAYERS;
import static io.downhill.train.TrainingSettings.INIT_SCALE;
import static io.downhill.train.TrainingSettings.L1_RATIO;
import static io.downhill.train.TrainingSettings.LOSS;
import static io.downhill.train.TrainingSettings.MODEL_TYPE;
import static io.downhill.train.TrainingSettings.REG;
import static io.downhill.train.TrainingSettings.SEED;

import io.downhill.data.Block;
import io.downhill.data.DataSpec;
import io.downhill.data.Shard;
import io.downhill.gradcheck.GradientCheck;
import io.downhill.gradcheck.GradientCheckReport;
import io.downhill.linalg.Precision;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.loss.Regularizer;
import io.downhill.model.Initializer;
import io.downhill.model.Model;
import io.downhill.model.Pass;
import io.downhill.settings.SettingValues;
import io.downhill.shard.MinibatchObjective;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import io.downhill.train.ModelConfig;
import io.downhill.train.TrainingConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code downhill gradcheck}: the analytic gradient of the full objective (data loss + L2) against
 * central differences, in float64, on a real minibatch and on random data.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Check analytic gradients against central differences (f(θ+h) - f(θ-h)) / 2h, in float64,",
        "on a real minibatch and on random data. Exit 1 when the worst relative error is above the threshold.",
        "Relative error = |a - n| / max(|a|, |n|, floor), floor = 10·ε·|f|/h / threshold: where the true",
        "derivative is below it, the difference quotient's own rounding error (ε·|f|/h) would dominate."})
final class GradcheckCommand implements Callable<Integer>, ShowsSettings {
  /** The hidden layer of an mlp without --hidden: small enough to check every weight. */
  private static final List<Integer> MLP_HIDDEN = List.of(32);

  @Option(names = "--data", paramLabel = "SPEC", description = "Where the real minibatch comes from (default: fashion-mnist when found, else synthetic)")
  String data;

  @Mixin
  SourceOptions source;

  @Option(names = "--preprocess", paramLabel = "MODE", defaultValue = "none", description = "none, center or standardize")
  String preprocess;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Rows in the real minibatch (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--h", paramLabel = "H", defaultValue = "1e-5", description = "Central-difference step (default: ${DEFAULT-VALUE})")
  double h;

  @Option(names = "--threshold", paramLabel = "T", defaultValue = "1e-6", description = "Largest relative error that passes (default: ${DEFAULT-VALUE})")
  double threshold;

  @Option(names = "--max-coords", paramLabel = "C", defaultValue = "20000",
      description = "Check every parameter up to C of them, else a seeded sample of C (default: ${DEFAULT-VALUE})")
  int maxCoords;

  @Mixin
  ConfOption conf;

  @Mixin
  SparkOptions sparkOptions;

  @Spec
  CommandSpec spec;

  /** The model settings of training, with defaults for checking gradients: a stronger L2 and larger weights. */
  @Override
  public List<ShownSetting> settings() {
    return List.of(ShownSetting.of(MODEL_TYPE), ShownSetting.of(LOSS),
        ShownSetting.of(HIDDEN_LAYERS).doc("Hidden widths of an mlp")
            .defaultText(HIDDEN_LAYERS.format(MLP_HIDDEN) + " for an mlp"),
        ShownSetting.of(ACTIVATION),
        ShownSetting.of(DROPOUT).doc("Dropout on, with one fixed mask for every evaluation of f"),
        ShownSetting.of(BATCH_NORM).doc("Batch normalization before or after each hidden activation (the flag "
            + "alone: before), checked in the training pass, with the minibatch's statistics"),
        ShownSetting.of(L1_RATIO),
        ShownSetting.of(REG, 0.01).doc("Regularization strength, so the regularization gradient is checked too"),
        ShownSetting.of(INIT_SCALE, 0.1).doc("Linear models: weights ~ SIGMA · N(0,1) at the checked point, large "
            + "enough for varied scores; networks use He initialization"),
        ShownSetting.of(SEED).doc("Seeds θ, the sample of rows and coordinates"));
  }

  @Override
  public Integer call() {
    PrintWriter console = spec.commandLine().getOut();
    SettingValues values = SettingOptions.values(spec);
    if (values.get(MODEL_TYPE).equals("mlp") && !values.isSet(HIDDEN_LAYERS)) {
      values = values.with(HIDDEN_LAYERS, MLP_HIDDEN);
    }
    TrainingConfig config = TrainingConfig.from(values);
    ModelConfig modelConfig = config.model();
    Loss loss = Losses.parse(modelConfig.loss());
    Regularizer regularizer = config.regularizer();
    long seed = config.seed();
    double dropout = modelConfig.dropout();
    if (!(h > 0) || !(threshold > 0) || maxCoords < 1 || batch < 1) {
      throw io.downhill.BadInputException.of("gradcheck", "invalid setting",
          "--h > 0, --threshold > 0, --max-coords >= 1, --batch >= 1",
          "h " + h + ", threshold " + threshold + ", max-coords " + maxCoords + ", batch " + batch);
    }
    GradientCheck check = new GradientCheck(h, threshold, maxCoords, seed, 5);
    DataSpec dataSpec = source.trainSpec(data, console);

    Minibatch real;
    try (Session session = new Session(sparkOptions, "downhill gradcheck")) {
      DataLoader.Settings settings = DataLoader.Settings.builder(dataSpec).valFraction(0).seed(seed)
          .precision(Precision.FLOAT64).preprocess(Preprocess.parse(preprocess)).labelCol(source.labelCol)
          .featuresCol(source.featuresCol).regression(loss.regression()).build();
      DataLoader.Head head = DataLoader.head(session.spark, settings, batch);
      real = Minibatch.of(head.rows(), head.labels().numClasses());
    }
    boolean binary = loss.name().equals("logistic");
    if (binary && real.classes != 2) {
      int half = real.classes / 2;
      console.printf("logistic needs two classes: labels >= %d count as class 1, the rest as class 0%n", half);
      for (int i = 0; i < real.labels.length; i++) {
        real.labels[i] = real.labels[i] >= half ? 1 : 0;
      }
      real.classes = 2;
    }
    Minibatch random = Minibatch.random(8, 12, real.classes, new SplittableRandom(seed));
    // a training pass checks dropout with fixed masks and batch normalization with the batch's statistics
    boolean normalized = modelConfig.batchNormPlacement() != io.downhill.model.BatchNorm.Placement.NONE;
    Pass mode = dropout > 0 || normalized ? Pass.training(seed) : Pass.EVAL;

    boolean pass = true;
    for (Minibatch mb : new Minibatch[] {real, random}) {
      Model model = Model.of(modelConfig.spec(mb.features, mb.classes));
      double[] theta = new double[model.layout().size()];
      Initializer init = !modelConfig.isLinear() ? Initializer.he()
          : Initializer.gaussian(mb == real ? modelConfig.initScale() : 1.0);
      model.initializeInPlace(init, theta, seed);
      if (mb == random || !modelConfig.isLinear()) {
        // Non-zero biases too, so their gradients are checked away from the symmetric start.
        Initializer.randomizeBiases(model.layout(), theta, seed + 1);
      }
      MinibatchObjective objective = mb.targets != null
          ? new MinibatchObjective(model, loss, regularizer, mb.x, mb.rows, mb.targets, mb.weights, mode)
          : new MinibatchObjective(model, loss, regularizer, mb.x, mb.rows, mb.labels, mb.weights, mode);
      GradientCheckReport report = check.run(objective, theta);
      String title = String.format(Locale.ROOT, "%s %s, %s (%d x %d)", loss.name(), model.spec().describe(),
          mb == real ? dataSpec.text() + " minibatch" : "random data", mb.rows, mb.features);
      console.print(report.format(title, 5));
      pass &= report.passed();
    }
    console.printf("regularization %s%s: gradient check %s%n", regularizer.describe(),
        dropout > 0 ? ", dropout " + dropout + " (fixed masks)" : "", pass ? "passed" : "FAILED");
    return pass ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /** A small minibatch in float64. */
  static final class Minibatch implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    int rows;
    int features;
    int classes;
    double[] x;
    int[] labels;
    /** Real-valued targets of a regression minibatch ({@code classes} 0), else null. */
    double[] targets;
    double[] weights;

    /** The rows of a (small, float64) shard. */
    static Minibatch of(Shard shard, int classes) {
      Minibatch mb = new Minibatch();
      mb.rows = shard.rows();
      mb.features = shard.cols();
      mb.classes = classes;
      mb.x = new double[mb.rows * mb.features];
      mb.labels = new int[mb.rows];
      mb.targets = shard.regression() ? new double[mb.rows] : null;
      int done = 0;
      for (Block b : shard.blocks()) {
        System.arraycopy(b.x().d, 0, mb.x, done * mb.features, b.rows() * mb.features);
        if (b.regression()) {
          System.arraycopy(b.targets(), 0, mb.targets, done, b.rows());
        } else {
          System.arraycopy(b.labels(), 0, mb.labels, done, b.rows());
        }
        done += b.rows();
      }
      return mb;
    }

    /**
     * Gaussian features, random labels (no classes: gaussian targets) and weights in [0.5, 1.5) (so the
     * weighted loss is checked).
     */
    static Minibatch random(int rows, int features, int classes, SplittableRandom rng) {
      Minibatch mb = new Minibatch();
      mb.rows = rows;
      mb.features = features;
      mb.classes = classes;
      mb.x = new double[rows * features];
      for (int i = 0; i < mb.x.length; i++) {
        mb.x[i] = rng.nextDouble() * 2 - 1;
      }
      mb.labels = new int[rows];
      mb.targets = classes == 0 ? new double[rows] : null;
      mb.weights = new double[rows];
      for (int i = 0; i < rows; i++) {
        if (classes == 0) {
          mb.targets[i] = 2 * rng.nextGaussian();
        } else {
          mb.labels[i] = rng.nextInt(classes);
        }
        mb.weights[i] = 0.5 + rng.nextDouble();
      }
      return mb;
    }
  }
}
