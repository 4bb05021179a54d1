package io.downhill.loss;

/**
 * Binary logistic loss on one score {@code s} per row, labels {@code y ∈ {0, 1}}:
 * {@code L_i = log(1 + e^{s}) - y·s}, i.e. {@code -log σ(s)} for y = 1 and {@code -log(1 - σ(s))}
 * for y = 0.
 *
 * <pre>
 *   log(1 + e^s) = max(s, 0) + log1p(e^{-|s|})   (no overflow)
 *   ∂L_i/∂s      = σ(s) - y
 * </pre>
 * At a zero score {@code L_i = ln 2}.
 */
public final class BinaryLogistic implements Loss {
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return "logistic";
  }

  @Override
  public int outputs(int numClasses) {
    if (numClasses != 2) {
      throw new IllegalArgumentException("the logistic loss needs exactly 2 classes, the data has " + numClasses
          + "; use softmax or svm");
    }
    return 1;
  }

  @Override
  public double lossSum(double[] scores, int n, int c, int[] labels, double[] weights, double[] dScores) {
    double total = 0.0;
    for (int i = 0; i < n; i++) {
      double s = scores[i];
      int y = labels[i];
      double w = weights[i];
      double softplus = Math.max(s, 0.0) + Math.log1p(Math.exp(-Math.abs(s)));
      total += w * (softplus - y * s);
      if (dScores != null) {
        dScores[i] = w * (sigmoid(s) - y);
      }
    }
    return total;
  }

  static double sigmoid(double s) {
    if (s >= 0) {
      return 1.0 / (1.0 + Math.exp(-s));
    }
    double e = Math.exp(s);
    return e / (1.0 + e);
  }

  @Override
  public int predict(double[] scores, int row, int c) {
    return scores[row] > 0 ? 1 : 0;
  }

  @Override
  public double lossAtZeroScores(int numClasses) {
    return Math.log(2);
  }
}
