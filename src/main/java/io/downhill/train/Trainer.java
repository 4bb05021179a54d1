package io.downhill.train;

import io.downhill.BadInputException;
import io.downhill.model.Model;
import io.downhill.model.ParameterLayout;
import java.util.List;

/**
 * The training loop, on the driver: the configured {@link Algorithm}'s driver moves θ, a
 * {@link Run} keeps the books every algorithm shares (step and epoch records, evaluation after
 * every epoch, early stopping, the abort rule, divergence, checkpoints). A loss or gradient that
 * stops being finite ends the run with {@link DivergedException}.
 *
 * <p>Callers set a run up through {@link Fit}, which builds the model and the shard computation
 * and calls this.
 */
public final class Trainer {
  private final TrainingConfig config;
  private final GradientSource source;
  private final List<TrainingListener> listeners;
  private final Model model;
  private final ParameterLayout layout;
  private final Checkpoints checkpoints;
  private final TrainerState resume;

  public Trainer(TrainingConfig config, Model model, GradientSource source, List<TrainingListener> listeners) {
    this(config, model, source, listeners, null, null);
  }

  private Trainer(TrainingConfig config, Model model, GradientSource source,
      List<TrainingListener> listeners, Checkpoints checkpoints, TrainerState resume) {
    this.config = config;
    this.model = model;
    this.layout = model.layout();
    this.source = source;
    this.listeners = List.copyOf(listeners);
    this.checkpoints = checkpoints;
    this.resume = resume;
  }

  /**
   * This trainer saving checkpoints as {@code checkpoints} says (null: none), and continuing from
   * {@code resume} (null: from the start). A resumed run takes exactly the steps the interrupted
   * one had left, so it ends with the weights an uninterrupted run would have.
   */
  public Trainer withCheckpoints(Checkpoints checkpoints, TrainerState resume) {
    return new Trainer(config, model, source, listeners, checkpoints, resume);
  }

  /** Trains θ in place from its current value and returns the result (θ included). */
  public TrainingResult fit(double[] theta) {
    if (theta.length != layout.size()) {
      throw new IllegalArgumentException("θ has " + theta.length + " values, the model " + layout.size());
    }
    if (source.trainRows() == 0) {
      throw new IllegalStateException("no training rows");
    }
    if (config.autoRate()) {
      throw new IllegalStateException("the learning rate is auto: the front end picks it (RateFinder) before training");
    }
    TrainingConfig sized = config.sizedFor(source.trainRows()); // front ends size it first, to show it
    if (checkpoints != null || resume != null) {
      Checkpoints.requireMinibatch(sized);
    }
    if (resume != null) {
      String expected = checkpoints != null ? checkpoints.settings() : resume.settings();
      if (!resume.settings().equals(expected)) {
        throw BadInputException.setting("resume", "the checkpoint was written by a run with other settings",
            expected, resume.settings());
      }
      if (resume.theta().length != theta.length) {
        throw BadInputException.setting("resume", "checkpoint θ does not fit the model", theta.length + " parameters",
            resume.theta().length + " parameters");
      }
      System.arraycopy(resume.theta(), 0, theta, 0, theta.length);
    }
    Driver driver = driver(sized.algorithm(), sized.localSteps(), source.segments());
    Run run = new Run(sized, model, source, listeners, checkpoints, resume, driver.stepsPerEpoch(sized, source));
    return driver.train(run, theta);
  }

  /**
   * The driver of {@code algorithm}, for a run of {@code localSteps} minibatch steps per job; the
   * steps (exact, or jobs of local steps) go through {@code segments} when the source offers the
   * collective transport.
   */
  private static Driver driver(Algorithm algorithm, int localSteps, Segments segments) {
    return switch (algorithm) {
      case MINIBATCH -> segments != null ? new Collective(segments) : localSteps > 1 ? new LocalSteps()
          : new Minibatch();
      case GD -> new FullBatch();
      case RANDOM_SEARCH -> new RandomSearch();
    };
  }
}
