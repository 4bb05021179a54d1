package io.downhill.loss;

/**
 * Squared error on one real-valued output per row, the regression loss of deck 001:
 * {@code L_i = ½ (s - y)²} for the score {@code s = f(x_i)} and the target {@code y} (a real
 * number, not a class).
 *
 * <pre>
 *   ∂L_i/∂s = s - y
 * </pre>
 * Summed with the row weights like every loss: {@code Σ_i w_i ½ (s_i - y_i)²}, so the trainer's
 * objective is half the weighted mean squared error. It reads real-valued targets
 * ({@link #regression()}), never class labels; the prediction is the score itself.
 */
public final class SquaredError implements Loss {
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return "squared";
  }

  @Override
  public boolean regression() {
    return true;
  }

  /** One output, whatever the data: regression has no classes. */
  @Override
  public int outputs(int numClasses) {
    return 1;
  }

  @Override
  public double lossSum(double[] scores, int n, int c, double[] targets, double[] weights, double[] dScores) {
    double total = 0.0;
    for (int i = 0; i < n; i++) {
      double r = scores[i] - targets[i];                 // residual s - y
      double w = weights[i];
      total += 0.5 * w * r * r;
      if (dScores != null) {
        dScores[i] = w * r;
      }
    }
    return total;
  }

  /** Class labels are not what this loss reads: see {@link #lossSum(double[], int, int, double[], double[], double[])}. */
  @Override
  public double lossSum(double[] scores, int n, int c, int[] labels, double[] weights, double[] dScores) {
    throw new UnsupportedOperationException("the squared loss reads real-valued targets, not class labels");
  }

  /** A regression predicts the score itself, never a class. */
  @Override
  public int predict(double[] scores, int row, int c) {
    throw new UnsupportedOperationException("the squared loss predicts real values (the score), not classes");
  }

  /** No fixed value: at zero scores the loss is half the mean squared target, which depends on the data. */
  @Override
  public double lossAtZeroScores(int numClasses) {
    return Double.NaN;
  }
}
