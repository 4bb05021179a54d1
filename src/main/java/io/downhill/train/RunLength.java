package io.downhill.train;

/**
 * The batch size and number of epochs of a run that leaves them auto (0, their default), from the
 * number of training rows N: B = 256, or on fewer than 256·32 = 8,192 rows B = max(16, ⌊N/32⌋), so
 * that an epoch has about 32 steps; E = 10, or on small data as many epochs as make 2,000 steps (at most 500).
 *
 * <p>Why: the total number of steps, not of epochs, decides how far minibatch descent gets. Ten epochs
 * of Fashion-MNIST at B 256 are 2,110 steps, but ten epochs of a set of 1,300 rows are 60, far from
 * converged (a linear softmax on scikit-learn's digits ended 6 points below a plain logistic
 * regression). More epochs at B 256 would get there, but each epoch also pays for an evaluation of every
 * split and, on Spark, a new stage (about 0.1 s, against about 1 ms for a small step): a smaller batch
 * gives a small set its steps in a few dozen epochs. Measured in docs/RESULTS.md, "Defaults against tuned".
 * Full-batch gd keeps 10 iterations (each is a pass with a line search); random search takes no steps.
 */
public final class RunLength {
  private RunLength() {}

  /** B on enough data (and the most auto ever takes). */
  public static final int BATCH = 256;
  /** The smallest auto batch: below it the gradient of a step is mostly noise. */
  public static final int MIN_BATCH = 16;
  /** Steps an epoch has at least on small data (as long as the batch is at least {@link #MIN_BATCH}). */
  public static final int STEPS_PER_EPOCH = 32;
  /** The fewest epochs auto runs. */
  public static final int MIN_EPOCHS = 10;
  /** Minibatch steps auto runs at least, which is about what {@link #MIN_EPOCHS} epochs of a 50,000-row set take. */
  public static final int MIN_STEPS = 2000;
  /** The most epochs auto runs (a set of under 64 rows then takes fewer than {@link #MIN_STEPS} steps). */
  public static final int MAX_EPOCHS = 500;

  /** The auto batch size for {@code rows} training rows. */
  public static int batch(long rows) {
    return (int) Math.max(MIN_BATCH, Math.min(BATCH, rows / STEPS_PER_EPOCH));
  }

  /** The auto number of epochs of {@code algorithm} on {@code rows} training rows at batch size {@code batch}. */
  public static int epochs(Algorithm algorithm, long rows, int batch) {
    if (!algorithm.minibatch()) {
      return MIN_EPOCHS;
    }
    long steps = (rows + batch - 1) / batch;
    return (int) Math.min(MAX_EPOCHS, Math.max(MIN_EPOCHS, (MIN_STEPS + steps - 1) / steps));
  }
}
