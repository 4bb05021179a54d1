package io.downhill.optim.schedule;

import java.io.Serializable;

/** The learning rate of each step. */
public interface Schedule extends Serializable {

  /** The rate for global step {@code step} (from 0), which falls in epoch {@code epoch} (from 0). */
  double rate(int epoch, long step);
}
