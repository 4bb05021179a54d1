package io.downhill.loss;

import java.io.Serializable;

/** A data loss over the scores of a minibatch. Implementations are stateless; {@link Losses} finds them by name. */
public interface Loss extends Serializable {

  /** "softmax", "svm" or "logistic". */
  String name();

  /** Score columns the model must produce for {@code k} classes. */
  int outputs(int numClasses);

  /**
   * Returns {@code Σ_i w_i L_i} over {@code n} rows of {@code scores} ({@code n x c}); when
   * {@code dScores} is not null, writes {@code ∂(Σ_i w_i L_i)/∂scores} into it (same shape).
   */
  double lossSum(double[] scores, int n, int c, int[] labels, double[] weights, double[] dScores);

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
