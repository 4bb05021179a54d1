package io.downhill.loss;

import java.io.Serializable;

/**
 * A data loss over the scores of a minibatch. Implementations are stateless; {@link Losses} finds
 * them by name. A classification loss reads class labels {@code 0..k-1}; a regression loss
 * ({@link #regression()}: the squared error) reads real-valued targets instead, and the form a
 * loss does not read throws.
 */
public interface Loss extends Serializable {

  /** "softmax", "svm", "logistic" or "squared". */
  String name();

  /** Whether this loss fits real-valued targets (one output, no classes) rather than class labels. */
  default boolean regression() {
    return false;
  }

  /** Score columns the model must produce for {@code k} classes (a regression loss: 1, {@code k} is 0). */
  int outputs(int numClasses);

  /**
   * Returns {@code Σ_i w_i L_i} over {@code n} rows of {@code scores} ({@code n x c}); when
   * {@code dScores} is not null, writes {@code ∂(Σ_i w_i L_i)/∂scores} into it (same shape).
   */
  double lossSum(double[] scores, int n, int c, int[] labels, double[] weights, double[] dScores);

  /**
   * The same for a regression loss, over real-valued {@code targets} (one per row) instead of
   * class labels. A classification loss has no targets to read and throws.
   */
  default double lossSum(double[] scores, int n, int c, double[] targets, double[] weights, double[] dScores) {
    throw new UnsupportedOperationException("the " + name() + " loss reads class labels, not real-valued targets");
  }

  /** The class predicted for row {@code row}. */
  int predict(double[] scores, int row, int c);

  /** The loss of one example when all scores are (nearly) zero: the first sanity check. */
  double lossAtZeroScores(int numClasses);

  /**
   * Identifies the linear piece of the loss the scores are on (for the hinge: which margins are
   * active). Smooth losses return 0. A gradient check skips a coordinate whose two probes land
   * on different pieces, where central differences are meaningless.
   */
  default long piece(double[] scores, int n, int c, int[] labels) {
    return 0L;
  }

  /** Index of the largest of {@code c} scores of row {@code row} (first on ties). */
  static int argmax(double[] scores, int row, int c) {
    int base = row * c;
    int best = 0;
    for (int j = 1; j < c; j++) {
      if (scores[base + j] > scores[base + best]) {
        best = j;
      }
    }
    return best;
  }
}
