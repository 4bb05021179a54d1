package io.downhill.train;

import io.downhill.linalg.Blas;
import io.downhill.loss.Regularizer;
import io.downhill.model.Model;
import io.downhill.optim.Optimizer;
import io.downhill.optim.Sgd;
import io.downhill.optim.schedule.Schedule;
import io.downhill.optim.schedule.StepDecay;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training loop, on the driver. Each step: one call to the {@link GradientSource} (one Spark
 * job when distributed) brings the summed minibatch gradient; the driver turns it into the mean,
 * adds the regularization gradient, and lets the optimizer update θ in place. After each epoch
 * it evaluates θ on every split the source has.
 *
 * <pre>
 *   g   = (Σ_i w_i ∂L_i/∂θ) / Σ_i w_i  +  ∂R/∂θ
 *   θ  ← optimizer(θ, g, η_e),   η_e = η₀ · γ^e
 * </pre>
 *
 * A loss or gradient that stops being finite ends the run with {@link DivergedException}.
 */
public final class Trainer {
  private final TrainingConfig config;
  private final Model model;
  private final GradientSource source;
  private final List<TrainingListener> listeners;

  public Trainer(TrainingConfig config, Model model, GradientSource source, List<TrainingListener> listeners) {
    this.config = config;
    this.model = model;
    this.source = source;
    this.listeners = List.copyOf(listeners);
  }

  /** Trains θ in place from its current value and returns the result (θ included). */
  public TrainingResult fit(double[] theta) {
    if (theta.length != model.layout().size()) {
      throw new IllegalArgumentException("θ has " + theta.length + " values, the model " + model.layout().size());
    }
    long trainRows = source.trainRows();
    if (trainRows == 0) {
      throw new IllegalStateException("no training rows");
    }
    int steps = BatchPlan.stepsPerEpoch(trainRows, config.batchSize());
    Optimizer optimizer = new Sgd();
    Schedule schedule = new StepDecay(config.learningRate(), config.lrDecay());
    Regularizer reg = new Regularizer(config.reg());
    for (TrainingListener l : listeners) {
      l.onStart(steps, trainRows, source.partitions(), theta.length);
    }

    List<EpochRecord> epochs = new ArrayList<>();
    double[] stepTimes = new double[config.epochs() * steps];
    long global = 0;
    double stepSeconds = 0;
    long fitStart = System.nanoTime();
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      double lr = schedule.rate(epoch, global);
      long epochStart = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        long t0 = System.nanoTime();
        GradientAccumulator acc = source.gradient(theta, new StepPlan(epoch, s, steps, global));
        if (acc.weightSum() <= 0) {
          continue; // no row (or only zero-weight rows) reached this step: nothing to learn from
        }
        double[] g = acc.gradSum();
        Blas.scal(1.0 / acc.weightSum(), g);
        double dataLoss = acc.lossSum() / acc.weightSum();
        double loss = dataLoss + reg.penalty(theta, model.layout());
        reg.addGradient(theta, model.layout(), g);
        double gradNorm = Math.sqrt(Blas.sumOfSquares(g, 0, g.length));
        if (!Double.isFinite(loss)) {
          throw new DivergedException(global, epoch, "loss", loss, lr);
        }
        if (!Double.isFinite(gradNorm)) {
          throw new DivergedException(global, epoch, "gradient norm", gradNorm, lr);
        }
        optimizer.stepInPlace(theta, g, lr);
        double seconds = (System.nanoTime() - t0) / 1e9;
        stepTimes[(int) global] = seconds;
        StepRecord record = new StepRecord(global, epoch, loss, dataLoss, lr, acc.rows(), gradNorm, seconds);
        global++;
        for (TrainingListener l : listeners) {
          l.onStep(record);
        }
      }
      double epochSteps = (System.nanoTime() - epochStart) / 1e9;
      stepSeconds += epochSteps;
      long evalStart = System.nanoTime();
      Evaluation train = source.evaluate(theta, Split.TRAIN);
      Evaluation val = source.evaluate(theta, Split.VALIDATION);
      Evaluation test = source.evaluate(theta, Split.TEST);
      EpochRecord record = new EpochRecord(epoch, lr, global, epochSteps, (System.nanoTime() - evalStart) / 1e9,
          train, val, test);
      epochs.add(record);
      for (TrainingListener l : listeners) {
        l.onEpoch(record);
      }
    }
    double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
    return new TrainingResult(theta, List.copyOf(epochs), global, steps, fitSeconds, stepSeconds,
        median(Arrays.copyOf(stepTimes, (int) global)));
  }

  private static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(values);
    int m = values.length / 2;
    return values.length % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2;
  }
}
