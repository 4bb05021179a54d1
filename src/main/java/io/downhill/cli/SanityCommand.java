package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.data.Shard;
import io.downhill.sanity.RateFinder;
import io.downhill.sanity.SanityChecks;
import io.downhill.shard.Evaluation;
import io.downhill.shard.Split;
import io.downhill.spark.DataLoader;
import io.downhill.spark.SparkGradientSource;
import io.downhill.spark.TrainingData;
import io.downhill.train.Fit;
import io.downhill.train.TrainingConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code downhill sanity}: the lecture's checks before training, each pass or fail with its numbers. */
@Command(name = "sanity", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Sanity checks for a model and its training settings on the data, before a long run:",
        "  initial loss at chance (ln k softmax, k-1 SVM) with regularization off; more regularization, more loss;",
        "  overfitting 20 examples (training accuracy 1.00, full batch, no regularization); the gradient check;",
        "  a short learning-rate sweep (the loss goes down, stays flat: too low, or explodes: too high).",
        "Takes the training flags. Exit 0 when every check passes, 1 when one fails (the reason is printed)."})
final class SanityCommand implements Callable<Integer> {
  @Mixin
  TrainOptions train;
  @Mixin
  DataOptions data;
  @Mixin
  SparkOptions sparkOptions;

  @Option(names = "--tolerance", paramLabel = "T", defaultValue = "0.02",
      description = "Relative tolerance of the initial-loss check (default: ${DEFAULT-VALUE})")
  double tolerance;

  @Option(names = "--overfit-rows", paramLabel = "N", defaultValue = "20",
      description = "Rows the model must learn perfectly (default: ${DEFAULT-VALUE})")
  int overfitRows;

  @Option(names = "--overfit-steps", paramLabel = "S", defaultValue = "300",
      description = "Full-batch steps allowed to get there (default: ${DEFAULT-VALUE})")
  int overfitSteps;

  @Option(names = "--sweep-steps", paramLabel = "S", defaultValue = "40",
      description = "Minibatch steps per learning rate of the sweep (default: ${DEFAULT-VALUE})")
  int sweepSteps;

  @Mixin
  ConfOption conf;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter console = spec.commandLine().getOut();
    TrainingConfig config = train.config();
    TrainOptions.refuseRegression(config.loss(), "sanity checks", "they expect a chance loss and a perfect training accuracy");
    if (!(tolerance > 0) || overfitRows < 1 || overfitSteps < 1 || sweepSteps < 5) {
      throw BadInputException.of("sanity", "invalid setting", "--tolerance > 0, --overfit-rows >= 1, --overfit-steps "
          + ">= 1, --sweep-steps >= 5", String.format(Locale.ROOT, "tolerance %s, overfit-rows %d, overfit-steps %d, "
          + "sweep-steps %d", tolerance, overfitRows, overfitSteps, sweepSteps));
    }
    DataSpec trainSpec = data.trainSpec(console);
    List<SanityChecks.Check> checks = new ArrayList<>();
    try (Session session = new Session(sparkOptions, "downhill sanity")) {
      TrainingData td = DataLoader.load(session.spark, data.settings(trainSpec, data.testSpec(), config.seed(),
          config.precision()));
      try {
        int k = td.labels().numClasses();
        config = config.sizedFor(td.trainRows());
        Fit fit = Fit.of(config, td.features(), k, "--model " + train.modelName(), trainSpec.toString());
        if (config.autoRate()) { // the checks run at the rate the run would take
          RateFinder.Choice auto = RateFinder.pick(fit, td.train().first(), null);
          console.println(auto.describe());
          config = config.withRate(auto.rate());
          fit = Fit.of(config, td.features(), k, "--model " + train.modelName(), trainSpec.toString());
        }
        console.printf(Locale.ROOT, "sanity checks: %s, %s loss, %s, lr %s, batch %d, regularization %s; data %s "
                + "(%d training rows, %d classes)%n", fit.model().spec().describe(), fit.loss().name(),
            config.optimizer().describe(), config.learningRate(), config.batchSize(), config.regularizer().describe(),
            trainSpec.text(), td.trainRows(), k);
        SanityChecks sanity = new SanityChecks(fit);
        double[] theta = fit.initialTheta();
        Evaluation initial;
        try (SparkGradientSource source = new SparkGradientSource(session.jsc, td, fit.computer())) {
          // the data loss over every training row, distributed: at the configured θ and at small weights
          initial = source.evaluate(theta, Split.TRAIN);
          checks.add(report(console, sanity.initialLoss(t -> source.evaluate(t, Split.TRAIN), initial.loss(),
              tolerance)));
        }
        double lambda = Math.max(config.regularizer().lambda(), 1e-4);
        checks.add(report(console, sanity.regularization(theta, initial.loss(),
            new double[] {0, lambda, lambda * 1e2, lambda * 1e4})));
        Shard rows = td.train().first(); // the first partition's rows, for the checks that run on the driver
        checks.add(report(console, sanity.overfit(rows, overfitRows, overfitSteps)));
        checks.add(report(console, sanity.gradientCheck(rows, 8)));
        TreeSet<Double> rates = new TreeSet<>(List.of(1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0));
        rates.add(config.learningRate());
        double[] grid = rates.stream().mapToDouble(Double::doubleValue).toArray();
        checks.add(report(console, sanity.learningRates(sanity.sweep(rows, grid, sweepSteps))));
      } finally {
        td.unpersist();
      }
    }
    long failed = checks.stream().filter(c -> !c.passed()).count();
    if (failed == 0) {
      console.printf("sanity: all %d checks passed%n", checks.size());
      return ExitCodes.OK;
    }
    console.printf("sanity: %d of %d checks FAILED: %s%n", failed, checks.size(),
        String.join(", ", checks.stream().filter(c -> !c.passed()).map(SanityChecks.Check::name).toList()));
    return ExitCodes.FAILED;
  }

  private static SanityChecks.Check report(PrintWriter console, SanityChecks.Check check) {
    console.println(check);
    console.flush();
    return check;
  }
}
