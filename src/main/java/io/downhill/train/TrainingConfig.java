package io.downhill.train;

import io.downhill.BadInputException;
import io.downhill.linalg.Precision;
import io.downhill.loss.Regularizer;
import io.downhill.optim.OptimizerConfig;
import io.downhill.optim.schedule.Schedules;
import java.util.List;

/**
 * The settings of a training run that concern the model and the optimization (data settings
 * live with the data loader). Immutable; every part validates itself at construction, with
 * messages naming the flag.
 *
 * @param model         head, hidden layers, initialization
 * @param optimizer     update rule and its hyperparameters
 * @param schedule      learning rate η₀ and its schedule
 * @param regularizer   L2 / L1 / elastic net on weights ({@code --reg}, {@code --l1-ratio})
 * @param maxNorm       max-norm constraint c on each unit's incoming weights, 0 for none ({@code --max-norm})
 * @param batchSize     B, the global minibatch ({@code --batch-size}), >= 1
 * @param epochs        passes over the training data ({@code --epochs}), >= 1; iterations for gd
 * @param seed          seeds initialization, minibatch order, dropout masks and the validation split
 * @param precision     compute and storage precision of the blocks ({@code --precision})
 * @param earlyStopping early stopping on a validation metric
 * @param lineSearch    line search and convergence test of full-batch gd
 * @param trials        random weight matrices tried by random search ({@code --trials}), >= 1
 * @param localSteps    K, minibatch steps each partition takes per job before the driver averages
 *                      ({@code --local-steps}); 1 is exact synchronous SGD
 * @param abortFactor   stop a run whose minibatch loss exceeds this multiple of its first step's loss
 *                      (the lecture's "loss exploded" test, 3 in a search); 0 never stops ({@code --abort-factor})
 */
public record TrainingConfig(ModelConfig model, OptimizerConfig optimizer, Schedules.Config schedule,
    Regularizer regularizer, double maxNorm, int batchSize, int epochs, long seed, Precision precision,
    EarlyStopping earlyStopping, LineSearch lineSearch, int trials, int localSteps, double abortFactor) {

  public TrainingConfig {
    if (batchSize < 1) {
      throw BadInputException.of("--batch-size", "invalid batch size", "an integer >= 1", Integer.toString(batchSize));
    }
    if (epochs < 1) {
      throw BadInputException.of("--epochs", "invalid number of epochs", "an integer >= 1", Integer.toString(epochs));
    }
    if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
      throw BadInputException.of("--max-norm", "invalid max-norm constraint", "a finite number > 0 (0 for none)",
          Double.toString(maxNorm));
    }
    if (trials < 1) {
      throw BadInputException.of("--trials", "invalid number of trials", "an integer >= 1", Integer.toString(trials));
    }
    if (localSteps < 1) {
      throw BadInputException.of("--local-steps", "invalid number of local steps", "an integer >= 1 (1 = synchronous SGD)",
          Integer.toString(localSteps));
    }
    if (localSteps > 1 && (optimizer.name().equals("gd") || optimizer.name().equals("random-search"))) {
      throw BadInputException.of("--local-steps", "local steps with --optimizer " + optimizer.name(),
          "1 (local steps need minibatch steps)", Integer.toString(localSteps));
    }
    if (!(abortFactor == 0 || abortFactor > 1) || Double.isInfinite(abortFactor)) {
      throw BadInputException.of("--abort-factor", "invalid abort factor", "0 (never) or a finite number > 1",
          Double.toString(abortFactor));
    }
    if (optimizer.name().equals("gd") && model.dropout() > 0) {
      throw BadInputException.of("--optimizer gd", "full-batch descent with dropout",
          "--dropout 0 (a line search needs one deterministic objective)", "--dropout " + model.dropout());
    }
  }

  /** The loss name, e.g. "softmax". */
  public String loss() {
    return model.loss();
  }

  public double learningRate() {
    return schedule.lr();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Flat setters for every setting. Defaults are those of the command line: a linear softmax
   * model, SGD at η 0.1 with step decay ×0.8 per epoch, B 256, 10 epochs, L2 1e-4, seed 42,
   * float32.
   */
  public static final class Builder {
    private String loss = "softmax";
    private List<Integer> hidden = List.of();
    private String activation = "relu";
    private double dropout = 0.0;
    private String init = "auto";
    private double initScale = 0.01;
    private String optimizer = "sgd";
    private double momentum = 0.9;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double rho = 0.99;
    private double weightDecay = 0.01;
    private String schedule = "step";
    private double learningRate = 0.1;
    private double lrDecay = 0.8;
    private double lrStep = 1.0;
    private double decayRate = 0.0;
    private double lrMin = 0.0;
    private double warmup = 0.0;
    private double reg = 1e-4;
    private double l1Ratio = 0.0;
    private double maxNorm = 0.0;
    private int batchSize = 256;
    private int epochs = 10;
    private long seed = 42;
    private Precision precision = Precision.FLOAT32;
    private String earlyStopping = "none";
    private int patience = 5;
    private String lineSearch = "armijo";
    private double tol = 1e-6;
    private int trials = 100;
    private int localSteps = 1;
    private double abortFactor = 0;

    public Builder loss(String v) { loss = v; return this; }
    public Builder hidden(List<Integer> v) { hidden = v; return this; }
    public Builder activation(String v) { activation = v; return this; }
    public Builder dropout(double v) { dropout = v; return this; }
    public Builder init(String v) { init = v; return this; }
    public Builder initScale(double v) { initScale = v; return this; }
    public Builder optimizer(String v) { optimizer = v; return this; }
    public Builder momentum(double v) { momentum = v; return this; }
    public Builder beta1(double v) { beta1 = v; return this; }
    public Builder beta2(double v) { beta2 = v; return this; }
    public Builder eps(double v) { eps = v; return this; }
    public Builder rho(double v) { rho = v; return this; }
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    public Builder schedule(String v) { schedule = v; return this; }
    public Builder learningRate(double v) { learningRate = v; return this; }
    public Builder lrDecay(double v) { lrDecay = v; return this; }
    public Builder lrStep(double v) { lrStep = v; return this; }
    public Builder decayRate(double v) { decayRate = v; return this; }
    public Builder lrMin(double v) { lrMin = v; return this; }
    public Builder warmup(double v) { warmup = v; return this; }
    public Builder reg(double v) { reg = v; return this; }
    public Builder l1Ratio(double v) { l1Ratio = v; return this; }
    public Builder maxNorm(double v) { maxNorm = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder epochs(int v) { epochs = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder precision(Precision v) { precision = v; return this; }
    public Builder earlyStopping(String v) { earlyStopping = v; return this; }
    public Builder patience(int v) { patience = v; return this; }
    public Builder lineSearch(String v) { lineSearch = v; return this; }
    public Builder tol(double v) { tol = v; return this; }
    public Builder trials(int v) { trials = v; return this; }
    public Builder localSteps(int v) { localSteps = v; return this; }
    public Builder abortFactor(double v) { abortFactor = v; return this; }

    public TrainingConfig build() {
      return new TrainingConfig(
          new ModelConfig(loss, hidden, activation, dropout, init, initScale),
          new OptimizerConfig(optimizer, momentum, beta1, beta2, eps, rho, weightDecay),
          new Schedules.Config(schedule, learningRate, lrDecay, lrStep, decayRate, lrMin, warmup),
          new Regularizer(reg, l1Ratio), maxNorm, batchSize, epochs, seed, precision,
          new EarlyStopping(earlyStopping, patience), new LineSearch(lineSearch, tol, 1e-4, 0.5), trials, localSteps,
          abortFactor);
    }
  }
}
