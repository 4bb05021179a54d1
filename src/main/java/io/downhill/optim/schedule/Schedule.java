package io.downhill.optim.schedule;

import java.io.Serializable;

/** The learning rate as a function of the training position. */
public interface Schedule extends Serializable {

  /** η at position {@code t} (in epochs, fractional, from 0). */
  double rate(double t);

  /** The rate at global step {@code step} of a run with {@code stepsPerEpoch} steps per epoch. */
  default double rateAt(long step, int stepsPerEpoch) {
    return rate((double) step / stepsPerEpoch);
  }
}
