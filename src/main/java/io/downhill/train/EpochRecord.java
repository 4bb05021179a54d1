package io.downhill.train;

import io.downhill.shard.Evaluation;
import io.downhill.shard.Split;

/**
 * The end of an epoch: evaluations over whole splits (null when absent).
 *
 * @param epoch        from 0
 * @param lr           the epoch's learning rate
 * @param steps        global steps done so far
 * @param stepSeconds  wall time of the epoch's steps
 * @param evalSeconds  wall time of the evaluation passes
 */
public record EpochRecord(int epoch, double lr, long steps, double stepSeconds, double evalSeconds,
    Evaluation train, Evaluation validation, Evaluation test) {

  public Evaluation get(Split split) {
    return switch (split) {
      case TRAIN -> train;
      case VALIDATION -> validation;
      case TEST -> test;
    };
  }
}
