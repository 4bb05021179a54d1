package io.downhill.loss;

/**
 * Multiclass SVM (hinge) loss with margin 1, the lecture's form:
 * {@code L_i = Σ_{j≠y} max(0, s_j - s_y + 1)}.
 *
 * <pre>
 *   ∂L_i/∂s_j = 1[s_j - s_y + 1 > 0]            for j ≠ y
 *   ∂L_i/∂s_y = -Σ_{j≠y} 1[s_j - s_y + 1 > 0]
 * </pre>
 * At a margin of exactly 0 the subgradient 0 is used. At zero scores {@code L_i = k - 1}.
 */
public final class MulticlassHinge implements Loss {
  private static final long serialVersionUID = 1L;
  private static final double MARGIN = 1.0;

  @Override
  public String name() {
    return "svm";
  }

  @Override
  public int outputs(int numClasses) {
    return numClasses;
  }

  @Override
  public double lossSum(double[] scores, int n, int c, int[] labels, double[] weights, double[] dScores) {
    double total = 0.0;
    for (int i = 0, base = 0; i < n; i++, base += c) {
      int y = labels[i];
      double w = weights[i];
      double sy = scores[base + y];
      int active = 0;
      double rowLoss = 0.0;
      for (int j = 0; j < c; j++) {
        double margin = j == y ? 0.0 : scores[base + j] - sy + MARGIN;
        boolean positive = margin > 0;
        if (positive) {
          rowLoss += margin;
          active++;
        }
        if (dScores != null) {
          dScores[base + j] = positive ? w : 0.0;
        }
      }
      if (dScores != null) {
        dScores[base + y] = -w * active;
      }
      total += w * rowLoss;
    }
    return total;
  }

  @Override
  public int predict(double[] scores, int row, int c) {
    return Loss.argmax(scores, row, c);
  }

  @Override
  public double lossAtZeroScores(int numClasses) {
    return (numClasses - 1) * MARGIN;
  }

  @Override
  public long piece(double[] scores, int n, int c, int[] labels) {
    long hash = 1469598103934665603L;
    for (int i = 0, base = 0; i < n; i++, base += c) {
      double sy = scores[base + labels[i]];
      for (int j = 0; j < c; j++) {
        boolean positive = j != labels[i] && scores[base + j] - sy + MARGIN > 0;
        hash = (hash ^ (positive ? 1 : 0)) * 1099511628211L;
      }
    }
    return hash;
  }
}
