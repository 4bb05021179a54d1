package io.downhill.train;

import java.util.Locale;

/** The loss or gradient stopped being a finite number. The command line exits with code 3. */
public final class DivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long step;

  public DivergedException(long step, int epoch, String what, double value, double learningRate) {
    super(String.format(Locale.ROOT,
        "training diverged at step %d (epoch %d): the %s became %s with learning rate %g; "
            + "the learning rate is probably too high, try %g or lower",
        step, epoch + 1, what, Double.toString(value), learningRate, learningRate / 10));
    this.step = step;
  }

  /** The global step (from 0) at which it happened. */
  public long step() {
    return step;
  }
}
