package io.downhill.train;

import io.downhill.BadInputException;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import io.downhill.model.ModelSpec;
import io.downhill.shard.ShardComputer;
import java.util.List;
import java.util.function.Function;

/**
 * How every caller sets up a training run (the command line, the Spark ML Estimator, the sanity
 * checks, the search, the benchmarks): settings and the data's shape in, then {@link #run} on a
 * gradient source; out come the {@link #model} and the result, θ included.
 *
 * <p>{@link #of} builds the model the settings describe (refusing one the driver cannot hold), the
 * loss, and the per-partition computation ({@link ShardComputer}); the caller plugs in where the
 * partitions are by opening a {@link GradientSource} on that computation: a Spark source, a member
 * of shared jobs, or a {@link LocalGradientSource}.
 */
public final class Fit {
  private final TrainingConfig config;
  private final Model model;
  private final Loss loss;
  private final int classes;
  private final ShardComputer computer;
  private final Checkpoints checkpoints;
  private final TrainerState resume;

  private Fit(TrainingConfig config, Model model, Loss loss, int classes, ShardComputer computer,
      Checkpoints checkpoints, TrainerState resume) {
    this.config = config;
    this.model = model;
    this.loss = loss;
    this.classes = classes;
    this.computer = computer;
    this.checkpoints = checkpoints;
    this.resume = resume;
  }

  /**
   * The setup of {@code config} for data of {@code features} columns and {@code classes} classes (0
   * for regression: real-valued labels and a regression loss).
   *
   * @param setting the model setting as the caller names it in messages, e.g. "--model mlp"
   * @param data    the data as messages name it, e.g. "fashion"; null where the setting says enough
   */
  public static Fit of(TrainingConfig config, int features, int classes, String setting, String data) {
    if (Losses.parse(config.loss()).regression() != (classes == 0)) {
      throw new IllegalArgumentException("the " + config.loss() + " loss on " + (classes == 0 ? "regression data"
          : classes + " classes"));
    }
    ModelSpec spec;
    try {
      spec = config.model().spec(features, classes);
    } catch (IllegalArgumentException e) {
      throw BadInputException.of(setting + " (loss " + config.loss() + ")", "binary model on multiclass data",
          "2 classes", classes + " classes" + (data == null ? "" : " in " + data));
    }
    spec.checkFits(data == null ? setting : setting + " on " + data, Runtime.getRuntime().maxMemory());
    Model model = Model.of(spec);
    if (model.statsSize() > 0 && config.localSteps() > 1) {
      // a local step sees one partition's rows, not the global minibatch batch normalization needs
      throw BadInputException.setting("localSteps", "local steps with batch normalization",
          "1 (each step normalizes over the global minibatch across partitions, which a partition's local "
              + "steps cannot see)", Integer.toString(config.localSteps()));
    }
    Loss loss = Losses.parse(config.loss());
    return new Fit(config, model, loss, classes,
        new ShardComputer(model, loss, classes, config.precision(), config.seed()), null, null);
  }

  /**
   * This setup saving checkpoints as {@code checkpoints} says (null: none) and continuing from
   * {@code resume} (null: from the start); see {@link Trainer#withCheckpoints}.
   */
  public Fit withCheckpoints(Checkpoints checkpoints, TrainerState resume) {
    return new Fit(config, model, loss, classes, computer, checkpoints, resume);
  }

  public TrainingConfig config() {
    return config;
  }

  public Model model() {
    return model;
  }

  public Loss loss() {
    return loss;
  }

  /** k; 0 for regression. */
  public int classes() {
    return classes;
  }

  /** What every partition computes, for the gradient source to run. */
  public ShardComputer computer() {
    return computer;
  }

  /** θ as the settings initialize it (seeded by the run's seed). */
  public double[] initialTheta() {
    double[] theta = new double[model.layout().size()];
    model.initializeInPlace(config.model().initializer(), theta, config.seed());
    return theta;
  }

  /**
   * Opens a gradient source on {@link #computer} ({@code open}), trains on it and closes it.
   *
   * @param theta where training starts, trained in place; null: {@link #initialTheta}
   */
  public TrainingResult run(Function<ShardComputer, ? extends ClosableGradientSource> open, double[] theta,
      List<TrainingListener> listeners) {
    try (ClosableGradientSource source = open.apply(computer)) {
      return run(source, theta, listeners);
    }
  }

  /**
   * Trains on {@code source}, opened by the caller on {@link #computer} (and closed by it).
   *
   * @param theta where training starts, trained in place; null: {@link #initialTheta}
   */
  public TrainingResult run(GradientSource source, double[] theta, List<TrainingListener> listeners) {
    return new Trainer(config, model, source, listeners).withCheckpoints(checkpoints, resume)
        .fit(theta != null ? theta : initialTheta());
  }
}
