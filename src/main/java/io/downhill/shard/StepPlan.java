package io.downhill.shard;

import java.io.Serializable;

/**
 * Which minibatch a step takes: step {@code step} of {@code stepsPerEpoch} in epoch {@code epoch};
 * {@code globalStep} counts from 0 across epochs.
 */
public record StepPlan(int epoch, int step, int stepsPerEpoch, long globalStep) implements Serializable {}
