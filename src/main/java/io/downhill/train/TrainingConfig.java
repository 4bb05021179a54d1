package io.downhill.train;

import io.downhill.data.BadInputException;
import io.downhill.linalg.Precision;
import io.downhill.loss.Loss;
import java.util.Locale;

/**
 * The settings of a training run that concern the optimization (data settings live with the
 * data loader). Immutable; validated at construction, with messages naming the flag.
 *
 * @param loss        softmax, svm or logistic ({@code --model})
 * @param learningRate η₀ ({@code --lr}), finite and > 0
 * @param lrDecay     γ, the per-epoch step decay ({@code --lr-decay}), in (0, 1]
 * @param batchSize   B, the global minibatch ({@code --batch-size}), >= 1
 * @param epochs      passes over the training data ({@code --epochs}), >= 1
 * @param reg         λ of the L2 penalty λ‖W‖² ({@code --reg}), finite and >= 0
 * @param seed        seeds initialization, permutations and the validation split ({@code --seed})
 * @param precision   compute and storage precision of the blocks ({@code --precision})
 * @param initScale   standard deviation of the initial weights ({@code --init-scale})
 */
public record TrainingConfig(String loss, double learningRate, double lrDecay, int batchSize, int epochs,
    double reg, long seed, Precision precision, double initScale) {

  public TrainingConfig {
    loss = loss.toLowerCase(Locale.ROOT);
    try {
      Loss.parse(loss);
    } catch (IllegalArgumentException e) {
      throw BadInputException.of("--model", "unknown model", "softmax, svm or logistic", "'" + loss + "'");
    }
    positive("--lr", "learning rate", learningRate);
    if (!(lrDecay > 0 && lrDecay <= 1)) {
      throw BadInputException.of("--lr-decay", "invalid learning-rate decay", "a number in (0, 1] (1 = constant)",
          Double.toString(lrDecay));
    }
    if (batchSize < 1) {
      throw BadInputException.of("--batch-size", "invalid batch size", "an integer >= 1", Integer.toString(batchSize));
    }
    if (epochs < 1) {
      throw BadInputException.of("--epochs", "invalid number of epochs", "an integer >= 1", Integer.toString(epochs));
    }
    nonNegative("--reg", "regularization strength", reg);
    nonNegative("--init-scale", "initial weight scale", initScale);
  }

  private static void positive(String flag, String what, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw BadInputException.of(flag, "invalid " + what, "a finite number > 0", Double.toString(v));
    }
  }

  private static void nonNegative(String flag, String what, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw BadInputException.of(flag, "invalid " + what, "a finite number >= 0", Double.toString(v));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults (those of the command line): softmax, η 0.1, γ 0.8, B 256, 10 epochs, λ 1e-4, seed 42, float32, init 0.01. */
  public static final class Builder {
    private String loss = "softmax";
    private double learningRate = 0.1;
    private double lrDecay = 0.8;
    private int batchSize = 256;
    private int epochs = 10;
    private double reg = 1e-4;
    private long seed = 42;
    private Precision precision = Precision.FLOAT32;
    private double initScale = 0.01;

    public Builder loss(String v) {
      loss = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder lrDecay(double v) {
      lrDecay = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder reg(double v) {
      reg = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder precision(Precision v) {
      precision = v;
      return this;
    }

    public Builder initScale(double v) {
      initScale = v;
      return this;
    }

    public TrainingConfig build() {
      return new TrainingConfig(loss, learningRate, lrDecay, batchSize, epochs, reg, seed, precision, initScale);
    }
  }
}
