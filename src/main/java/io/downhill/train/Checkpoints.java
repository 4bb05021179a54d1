package io.downhill.train;

import io.downhill.BadInputException;
import io.downhill.optim.OptimizerConfig;

/**
 * What the training loop asks of checkpointing: when a checkpoint is due and where a state goes.
 * {@link io.downhill.checkpoint.Checkpointing} implements it over a store; the loop never sees
 * files, so checkpoints live apart from it (and depend on it, not the other way round).
 */
public interface Checkpoints {

  /** The run's settings, written into every checkpoint and compared on resume. */
  String settings();

  /**
   * Whether a checkpoint is due after the steps that brought the global count from {@code before}
   * to {@code after} (one step, or a job's K local steps).
   */
  boolean dueAfterSteps(long before, long after);

  /** Whether a checkpoint is due at the end of epoch {@code epoch} (0-based). */
  boolean dueAfterEpoch(int epoch);

  /** Saves {@code state} (atomically: a checkpoint is complete or absent). */
  void save(TrainerState state);

  /** Checkpoints follow minibatch steps: gd (line search) and random search have none to resume. */
  static void requireMinibatch(TrainingConfig config) {
    if (!config.algorithm().minibatch()) {
      String optimizer = config.optimizer().name();
      throw BadInputException.setting("checkpointDir", "checkpoints with {optimizer} " + optimizer,
          "a minibatch optimizer (" + String.join(", ", OptimizerConfig.ruleNames()) + ")", optimizer);
    }
  }
}
