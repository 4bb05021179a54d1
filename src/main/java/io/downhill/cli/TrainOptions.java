package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.linalg.Precision;
import io.downhill.loss.Regularizer;
import io.downhill.model.Activations;
import io.downhill.optim.OptimizerConfig;
import io.downhill.optim.schedule.Schedules;
import io.downhill.train.EarlyStopping;
import io.downhill.train.LineSearch;
import io.downhill.train.ModelConfig;
import io.downhill.train.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How to train: model, optimizer, schedule, regularization, stopping. */
final class TrainOptions {
  @Mixin
  ModelFlags model;
  @Mixin
  OptimizerFlags optimizer;
  @Mixin
  ScheduleFlags schedule;
  @Mixin
  RegularizationFlags regularization;

  static final class ModelFlags {
    @Option(names = "--model", paramLabel = "M", defaultValue = "softmax",
        description = "softmax, svm (multiclass hinge), logistic (binary): a linear score function Wx + b; "
            + "or mlp: a fully connected network (--hidden, --loss) (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--loss", paramLabel = "L", description = "Head of an mlp: softmax, svm or logistic (default: softmax)")
    String loss;

    @Option(names = "--hidden", paramLabel = "H1,H2", split = ",",
        description = "Hidden layer widths of an mlp, e.g. 256,128 (default: 256)")
    List<Integer> hidden;

    @Option(names = "--activation", paramLabel = "F", defaultValue = "relu",
        description = "Hidden activation: relu, leaky-relu or tanh (default: ${DEFAULT-VALUE})")
    String activation;

    @Option(names = "--init", paramLabel = "I", defaultValue = "auto",
        description = "Weight initialization: gaussian (--init-scale · N(0,1)), xavier, he; auto = gaussian for "
            + "linear models, he for networks (default: ${DEFAULT-VALUE})")
    String init;

    @Option(names = "--init-scale", paramLabel = "SIGMA", defaultValue = "0.01",
        description = "σ of the gaussian initialization (default: ${DEFAULT-VALUE})")
    double initScale;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "float32",
        description = "float32 or float64 storage and arithmetic; sums are always double (default: ${DEFAULT-VALUE})")
    String precision;
  }

  static final class OptimizerFlags {
    @Option(names = "--optimizer", paramLabel = "O", defaultValue = "sgd",
        description = "sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw; gd (full batch, with --line-search); "
            + "random-search (--trials random weights, the lecture's baseline) (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256",
        description = "Global minibatch size, split over the partitions (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "10",
        description = "Passes over the training data; iterations of gd (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0.9", description = "μ of momentum and nesterov (default: ${DEFAULT-VALUE})")
    double momentum;

    @Option(names = "--beta1", defaultValue = "0.9", description = "β₁ of adam/adamw (default: ${DEFAULT-VALUE})")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.999", description = "β₂ of adam/adamw (default: ${DEFAULT-VALUE})")
    double beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "ε of adagrad, rmsprop, adam/adamw (default: ${DEFAULT-VALUE})")
    double eps;

    @Option(names = "--rho", defaultValue = "0.99", description = "ρ, the decay of rmsprop's squared gradients (default: ${DEFAULT-VALUE})")
    double rho;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0.01",
        description = "Decoupled weight decay of adamw, on weights only (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--line-search", paramLabel = "LS", defaultValue = "armijo",
        description = "gd: armijo (backtracking; every trial is one distributed loss pass) or none (default: ${DEFAULT-VALUE})")
    String lineSearch;

    @Option(names = "--tol", defaultValue = "1e-6",
        description = "gd: stop when ‖Δθ‖ or the relative loss change is below it; 0 runs every epoch (default: ${DEFAULT-VALUE})")
    double tol;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "100", description = "random-search: weight matrices to try (default: ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--local-steps", paramLabel = "K", defaultValue = "1",
        description = "Minibatch steps each partition takes per Spark job before the driver averages the local "
            + "models; 1 is exact synchronous SGD, more trades exactness for fewer jobs (default: ${DEFAULT-VALUE})")
    int localSteps;

    @Option(names = "--abort-factor", paramLabel = "F", defaultValue = "3",
        description = "Stop when the minibatch loss exceeds F times the first step's (the loss exploded); "
            + "0 never (default: ${DEFAULT-VALUE}; a search uses 3)")
    double abortFactor;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
        description = "Seeds initialization, minibatch order, dropout and the validation split (default: ${DEFAULT-VALUE})")
    long seed;
  }

  static final class ScheduleFlags {
    @Option(names = "--lr", paramLabel = "ETA", defaultValue = "0.1", description = "Learning rate η₀ (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--schedule", paramLabel = "S", defaultValue = "step",
        description = "constant, step (η₀·γ^⌊t/s⌋), exponential (η₀·e^(-k·t)), inverse (η₀/(1+k·t)), cosine; "
            + "t in epochs (default: ${DEFAULT-VALUE})")
    String kind;

    @Option(names = "--lr-decay", paramLabel = "GAMMA", defaultValue = "0.8", description = "γ of the step schedule (default: ${DEFAULT-VALUE})")
    double decay;

    @Option(names = "--lr-step", paramLabel = "EPOCHS", defaultValue = "1", description = "s, epochs between step decays (default: ${DEFAULT-VALUE})")
    double step;

    @Option(names = "--decay-rate", paramLabel = "K", defaultValue = "0.5",
        description = "k of the exponential and inverse schedules (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--lr-min", paramLabel = "ETA", defaultValue = "0", description = "Final rate of the cosine schedule (default: ${DEFAULT-VALUE})")
    double min;

    @Option(names = "--warmup", paramLabel = "EPOCHS", defaultValue = "0",
        description = "Linear warm-up over this many epochs, for any schedule (default: ${DEFAULT-VALUE})")
    double warmup;
  }

  static final class RegularizationFlags {
    @Option(names = "--reg", paramLabel = "LAMBDA", defaultValue = "1e-4",
        description = "Regularization strength λ on weights (never biases) (default: ${DEFAULT-VALUE})")
    double reg;

    @Option(names = "--l1-ratio", paramLabel = "ALPHA", defaultValue = "0",
        description = "λ·(α·‖W‖₁ + (1-α)·‖W‖²): 0 is L2, 1 is L1, between is elastic net (default: ${DEFAULT-VALUE})")
    double l1Ratio;

    @Option(names = "--max-norm", paramLabel = "C", defaultValue = "0",
        description = "Max-norm constraint on each unit's incoming weights; 0 for none (default: ${DEFAULT-VALUE})")
    double maxNorm;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
        description = "Inverted dropout after each hidden activation, training only (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--early-stopping", paramLabel = "METRIC", defaultValue = "none",
        description = "none, val_loss or val_accuracy: stop after --patience epochs without improvement and keep "
            + "the best epoch's weights (default: ${DEFAULT-VALUE})")
    String earlyStopping;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "3", description = "Epochs without improvement (default: ${DEFAULT-VALUE})")
    int patience;
  }

  TrainingConfig config() {
    return new TrainingConfig(modelConfig(),
        new OptimizerConfig(optimizer.name, optimizer.momentum, optimizer.beta1, optimizer.beta2, optimizer.eps,
            optimizer.rho, optimizer.weightDecay),
        new Schedules.Config(schedule.kind, schedule.lr, schedule.decay, schedule.step, schedule.rate, schedule.min,
            schedule.warmup),
        new Regularizer(regularization.reg, regularization.l1Ratio), regularization.maxNorm, optimizer.batchSize,
        optimizer.epochs, optimizer.seed, precision(),
        new EarlyStopping(regularization.earlyStopping, regularization.patience),
        new LineSearch(optimizer.lineSearch, optimizer.tol, 1e-4, 0.5), optimizer.trials, optimizer.localSteps,
        optimizer.abortFactor);
  }

  ModelConfig modelConfig() {
    return modelConfig(model.model, model.loss, model.hidden, model.activation, regularization.dropout, model.init,
        model.initScale);
  }

  /**
   * The model the flags describe: {@code --model softmax|svm|logistic} is a linear model with that
   * loss (no --hidden, no other --loss); {@code --model mlp} takes {@code --loss} (softmax) and
   * {@code --hidden} (default {@code defaultHidden}).
   */
  static ModelConfig modelConfig(String modelFlag, String lossFlag, List<Integer> hiddenFlag, String activationFlag,
      double dropout, String init, double initScale) {
    String m = modelFlag.toLowerCase(Locale.ROOT);
    String activation;
    try {
      activation = Activations.of(activationFlag).name();
    } catch (IllegalArgumentException e) {
      throw BadInputException.of("--activation", "unknown activation", Activations.expected(),
          "'" + activationFlag + "'");
    }
    List<Integer> hidden = new ArrayList<>();
    String loss;
    if (m.equals("mlp")) {
      loss = lossFlag != null ? lossFlag : "softmax";
      hidden.addAll(hiddenFlag != null ? hiddenFlag : List.of(256));
    } else if (List.of("softmax", "svm", "logistic").contains(m)) {
      if (hiddenFlag != null && !hiddenFlag.isEmpty()) {
        throw BadInputException.of("--hidden", "hidden layers on a linear model", "--model mlp --hidden ...",
            "--model " + m);
      }
      if (lossFlag != null && !lossFlag.equalsIgnoreCase(m)) {
        throw BadInputException.of("--loss", "loss disagrees with the linear model", "--loss " + m + " (or none)",
            "--loss " + lossFlag);
      }
      loss = m;
    } else {
      throw BadInputException.of("--model", "unknown model", "softmax, svm, logistic or mlp", "'" + modelFlag + "'");
    }
    return new ModelConfig(loss, hidden, activation, dropout, init, initScale);
  }

  private Precision precision() {
    try {
      return Precision.parse(model.precision);
    } catch (IllegalArgumentException e) {
      throw BadInputException.of("--precision", "unknown precision", "float32 or float64", "'" + model.precision + "'");
    }
  }

  /** The --model value, for names and summaries. */
  String modelName() {
    return model.model.toLowerCase(Locale.ROOT);
  }
}
