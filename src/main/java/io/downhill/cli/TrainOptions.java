package io.downhill.cli;

import io.downhill.data.BadInputException;
import io.downhill.linalg.Precision;
import io.downhill.train.TrainingConfig;
import picocli.CommandLine.Option;

/** How to train. */
final class TrainOptions {
  @Option(names = "--model", paramLabel = "M", defaultValue = "softmax",
      description = "softmax, svm (multiclass hinge) or logistic (binary); a linear score function Wx + b "
          + "(default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--lr", paramLabel = "ETA", defaultValue = "0.1", description = "Learning rate (default: ${DEFAULT-VALUE})")
  double lr;

  @Option(names = "--lr-decay", paramLabel = "GAMMA", defaultValue = "0.8",
      description = "Step decay per epoch: lr * GAMMA^epoch; 1 keeps it constant (default: ${DEFAULT-VALUE})")
  double lrDecay;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256",
      description = "Global minibatch size, split over the partitions (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--epochs", paramLabel = "E", defaultValue = "10", description = "Passes over the training data (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--reg", paramLabel = "LAMBDA", defaultValue = "1e-4",
      description = "L2 regularization strength: lambda * sum(W^2), biases excluded (default: ${DEFAULT-VALUE})")
  double reg;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
      description = "Seeds initialization, minibatch order and the validation split (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--precision", paramLabel = "P", defaultValue = "float32",
      description = "float32 or float64 storage and arithmetic; sums are always double (default: ${DEFAULT-VALUE})")
  String precision;

  @Option(names = "--init-scale", paramLabel = "SIGMA", defaultValue = "0.01",
      description = "Initial weights ~ SIGMA * N(0, 1); biases start at 0 (default: ${DEFAULT-VALUE})")
  double initScale;

  TrainingConfig config() {
    Precision p;
    try {
      p = Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw BadInputException.of("--precision", "unknown precision", "float32 or float64", "'" + precision + "'");
    }
    return new TrainingConfig(model, lr, lrDecay, batchSize, epochs, reg, seed, p, initScale);
  }
}
