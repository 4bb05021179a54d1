package io.downhill.loss;

/**
 * Softmax cross-entropy: {@code L_i = -log(e^{s_y} / Σ_j e^{s_j}) = log Σ_j e^{s_j} - s_y}.
 *
 * <pre>
 *   p_j         = e^{s_j - m} / Σ_l e^{s_l - m},  m = max_l s_l   (shifted for stability)
 *   ∂L_i/∂s_j   = p_j - 1[j = y]
 * </pre>
 * At zero scores every {@code p_j = 1/k}, so {@code L_i = ln k}.
 */
public final class SoftmaxCrossEntropy implements Loss {
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return "softmax";
  }

  @Override
  public int outputs(int numClasses) {
    return numClasses;
  }

  @Override
  public double lossSum(double[] scores, int n, int c, int[] labels, double[] weights, double[] dScores) {
    double total = 0.0;
    for (int i = 0, base = 0; i < n; i++, base += c) {
      double max = scores[base];
      for (int j = 1; j < c; j++) {
        max = Math.max(max, scores[base + j]);
      }
      double sum = 0.0;
      for (int j = 0; j < c; j++) {
        sum += Math.exp(scores[base + j] - max);
      }
      double logSumExp = max + Math.log(sum);
      int y = labels[i];
      double w = weights[i];
      total += w * (logSumExp - scores[base + y]);
      if (dScores != null) {
        for (int j = 0; j < c; j++) {
          dScores[base + j] = w * Math.exp(scores[base + j] - logSumExp);
        }
        dScores[base + y] -= w;
      }
    }
    return total;
  }

  @Override
  public int predict(double[] scores, int row, int c) {
    return Loss.argmax(scores, row, c);
  }

  @Override
  public double lossAtZeroScores(int numClasses) {
    return Math.log(numClasses);
  }
}
