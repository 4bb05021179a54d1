package io.downhill.shard;

import java.io.Serializable;

/**
 * A job of several local steps ({@code --local-steps K}): steps {@code [firstStep, firstStep + count)}
 * of epoch {@code epoch} (never across an epoch's end), the first of which is global step
 * {@code globalStep}.
 */
public record LocalPlan(int epoch, int firstStep, int count, int stepsPerEpoch, long globalStep) implements Serializable {

  /** The plan of the j-th local step, as a single step would have it. */
  public StepPlan step(int j) {
    return new StepPlan(epoch, firstStep + j, stepsPerEpoch, globalStep + j);
  }
}
