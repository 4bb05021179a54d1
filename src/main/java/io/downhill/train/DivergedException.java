package io.downhill.train;

import io.downhill.model.ParameterLayout;
import io.downhill.shard.Evaluation;
import java.util.Locale;

/**
 * The loss or gradient stopped being a finite number, or (with an abort factor) the loss exploded
 * past a multiple of its first value. The command line exits with code 3.
 */
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

  private DivergedException(long step, String message) {
    super(message);
    this.step = step;
  }

  /** The minibatch loss passed {@code factor} times the first step's loss. */
  public static DivergedException exploded(long step, int epoch, double loss, double factor, double firstLoss,
      double learningRate) {
    return new DivergedException(step, String.format(Locale.ROOT,
        "loss exploded at step %d (epoch %d): %.4g is more than %s times the first step's %.4g, with learning rate "
            + "%g; the learning rate is probably too high", step, epoch + 1, loss,
        io.downhill.linalg.Numbers.compact(factor), firstLoss, learningRate));
  }

  /** NaN or infinity in θ or in an evaluation's loss ends the run as diverged, never as a saved model. */
  static void requireFinite(long step, int epoch, double lr, ParameterLayout layout, double[] theta,
      Evaluation... evaluations) {
    for (int i = 0; i < theta.length; i++) {
      if (!Double.isFinite(theta[i])) {
        throw new DivergedException(step, epoch, "weight " + layout.describe(i), theta[i], lr);
      }
    }
    for (Evaluation e : evaluations) {
      if (e != null && e.weightSum() > 0 && !Double.isFinite(e.loss())) {
        throw new DivergedException(step, epoch, "loss on the evaluated rows", e.loss(), lr);
      }
    }
  }

  /** The global step (from 0) at which it happened. */
  public long step() {
    return step;
  }
}
