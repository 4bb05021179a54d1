package io.downhill.train;

import java.util.List;
import java.util.Map;

/**
 * Everything a minibatch run needs to continue exactly where it was: the position (epoch, the
 * next step within it, the global step), θ, the optimizer's state, and the bookkeeping that
 * decides what happens next (early stopping, the abort rule, the epoch records so far).
 *
 * <p>There is no random generator state to keep: every random choice of a run is a pure function
 * of the seed and a position (minibatch order of (seed, epoch, partition), dropout masks of (seed,
 * global step, partition)), so the position is the RNG state.
 *
 * @param settings       what the run was started with (model, optimizer, schedule, data shape and
 *                       partitions), compared on resume: a checkpoint of other settings is refused
 * @param epoch          the epoch to continue in (0-based)
 * @param step           the next step of that epoch; {@code stepsPerEpoch} when only its evaluation is left
 * @param global         steps taken so far, over all epochs
 * @param optimizer      the update rule's name
 * @param optimizerState the update rule's arrays by name ({@link io.downhill.optim.OptimizerState#arrays})
 * @param optimizerSteps the update rule's step count (Adam's t, {@link io.downhill.optim.OptimizerState#steps})
 * @param bestTheta      θ of the best epoch so far under early stopping, or null
 * @param firstLoss      the first step's loss (the abort rule's reference), NaN before the first step
 * @param stepSeconds    step time of the epochs so far
 * @param epochs         the records of the epochs finished so far
 */
public record TrainerState(String settings, int epoch, int step, long global, double[] theta, String optimizer,
    Map<String, double[]> optimizerState, long optimizerSteps, double bestScore, double[] bestTheta, int bestEpoch,
    int sinceBest, double firstLoss, double stepSeconds, List<EpochRecord> epochs) {}
