package io.downhill.cli;

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
import io.downhill.train.ModelConfig;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import io.downhill.shard.MinibatchObjective;
import java.io.PrintWriter;
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
final class GradcheckCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "M", defaultValue = "softmax",
      description = "softmax, svm, logistic (linear) or mlp (default: ${DEFAULT-VALUE})")
  String modelName;

  @Option(names = "--loss", paramLabel = "L", description = "Head of an mlp: softmax, svm or logistic (default: softmax)")
  String lossName;

  @Option(names = "--hidden", paramLabel = "H1,H2", split = ",", description = "Hidden widths of an mlp (default: 32)")
  java.util.List<Integer> hidden;

  @Option(names = "--activation", paramLabel = "F", defaultValue = "relu", description = "relu, leaky-relu or tanh")
  String activation;

  @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
      description = "Dropout on, with one fixed mask for every evaluation of f (default: ${DEFAULT-VALUE})")
  double dropout;

  @Option(names = "--l1-ratio", paramLabel = "ALPHA", defaultValue = "0",
      description = "Elastic-net mix of the regularization: 0 is L2, 1 is L1 (default: ${DEFAULT-VALUE})")
  double l1Ratio;

  @Option(names = "--data", paramLabel = "SPEC", description = "Where the real minibatch comes from (default: fashion-mnist when found, else synthetic)")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "First place to look for named datasets")
  String dataDir;

  @Option(names = "--preprocess", paramLabel = "MODE", defaultValue = "none", description = "none, center or standardize")
  String preprocess;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Rows in the real minibatch (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--reg", paramLabel = "LAMBDA", defaultValue = "0.01",
      description = "L2 strength, so the regularization gradient is checked too (default: ${DEFAULT-VALUE})")
  double reg;

  @Option(names = "--init-scale", paramLabel = "SIGMA", defaultValue = "0.1",
      description = "Linear models: weights ~ SIGMA · N(0,1) at the checked point, large enough for varied scores; "
          + "networks use He initialization (default: ${DEFAULT-VALUE})")
  double initScale;

  @Option(names = "--h", paramLabel = "H", defaultValue = "1e-5", description = "Central-difference step (default: ${DEFAULT-VALUE})")
  double h;

  @Option(names = "--threshold", paramLabel = "T", defaultValue = "1e-6", description = "Largest relative error that passes (default: ${DEFAULT-VALUE})")
  double threshold;

  @Option(names = "--max-coords", paramLabel = "C", defaultValue = "20000",
      description = "Check every parameter up to C of them, else a seeded sample of C (default: ${DEFAULT-VALUE})")
  int maxCoords;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seeds θ, the sample of rows and coordinates")
  long seed;

  @Option(names = "--conf", paramLabel = "FILE", description = "Properties file of defaults for these flags (flags win)")
  String conf;

  @Mixin
  SparkOptions sparkOptions;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter console = spec.commandLine().getOut();
    ModelConfig modelConfig = modelConfig();
    Loss loss = Losses.parse(modelConfig.loss());
    Regularizer regularizer = new Regularizer(reg, l1Ratio);
    if (!(h > 0) || !(threshold > 0) || maxCoords < 1 || batch < 1) {
      throw io.downhill.BadInputException.of("gradcheck", "invalid setting",
          "--h > 0, --threshold > 0, --max-coords >= 1, --batch >= 1",
          "h " + h + ", threshold " + threshold + ", max-coords " + maxCoords + ", batch " + batch);
    }
    GradientCheck check = new GradientCheck(h, threshold, maxCoords, seed, 5);
    DataOptions dataOptions = new DataOptions();
    dataOptions.data = data;
    dataOptions.dataDir = dataDir;
    DataSpec dataSpec = dataOptions.trainSpec(console);

    Minibatch real;
    try (Session session = new Session(sparkOptions, "downhill gradcheck")) {
      DataLoader.Settings settings = DataLoader.Settings.builder(dataSpec).valFraction(0).seed(seed)
          .precision(Precision.FLOAT64).preprocess(Preprocess.parse(preprocess)).build();
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
    Pass mode = dropout > 0 ? Pass.training(seed) : Pass.EVAL;

    boolean pass = true;
    for (Minibatch mb : new Minibatch[] {real, random}) {
      Model model = Model.of(modelConfig.spec(mb.features, mb.classes));
      double[] theta = new double[model.layout().size()];
      Initializer init = !modelConfig.isLinear() ? Initializer.he()
          : Initializer.gaussian(mb == real ? initScale : 1.0);
      init.initialize(model.layout(), theta, seed);
      if (mb == random || !modelConfig.isLinear()) {
        // Non-zero biases too, so their gradients are checked away from the symmetric start.
        Initializer.randomizeBiases(model.layout(), theta, seed + 1);
      }
      MinibatchObjective objective = new MinibatchObjective(model, loss, regularizer, mb.x, mb.rows, mb.labels,
          mb.weights, mode);
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

  private ModelConfig modelConfig() {
    return TrainOptions.modelConfig(modelName, lossName,
        modelName.equalsIgnoreCase("mlp") && hidden == null ? java.util.List.of(32) : hidden, activation, dropout,
        "auto", initScale);
  }

  /** A small minibatch in float64. */
  static final class Minibatch implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    int rows;
    int features;
    int classes;
    double[] x;
    int[] labels;
    double[] weights;

    /** The rows of a (small, float64) shard. */
    static Minibatch of(Shard shard, int classes) {
      Minibatch mb = new Minibatch();
      mb.rows = shard.rows();
      mb.features = shard.cols();
      mb.classes = classes;
      mb.x = new double[mb.rows * mb.features];
      mb.labels = new int[mb.rows];
      int done = 0;
      for (Block b : shard.blocks()) {
        System.arraycopy(b.x().d, 0, mb.x, done * mb.features, b.rows() * mb.features);
        System.arraycopy(b.labels(), 0, mb.labels, done, b.rows());
        done += b.rows();
      }
      return mb;
    }

    /** Gaussian features, random labels and weights in [0.5, 1.5) (so the weighted loss is checked). */
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
      mb.weights = new double[rows];
      for (int i = 0; i < rows; i++) {
        mb.labels[i] = rng.nextInt(classes);
        mb.weights[i] = 0.5 + rng.nextDouble();
      }
      return mb;
    }
  }
}
