package io.downhill.optim;

import io.downhill.model.ParameterLayout;

/**
 * The max-norm constraint ({@code --max-norm c}): after each update, every unit's vector of
 * incoming weights is projected back into the ball of radius {@code c}:
 * <pre>
 *   for each column j of each weight matrix W (in x out):   w_j ← w_j · min(1, c / ‖w_j‖₂)
 * </pre>
 * Biases are not constrained.
 */
public record MaxNorm(double c) implements java.io.Serializable {

  /** Projects the weight columns of {@code theta} in place; returns how many were rescaled. */
  public int projectInPlace(double[] theta, ParameterLayout layout) {
    int rescaled = 0;
    for (ParameterLayout.Slice s : layout.slices()) {
      if (!s.role().maxNormed()) {
        continue;
      }
      for (int j = 0; j < s.cols(); j++) {
        double sq = 0;
        for (int i = 0; i < s.rows(); i++) {
          double w = theta[s.offset() + i * s.cols() + j];
          sq += w * w;
        }
        double norm = Math.sqrt(sq);
        if (norm > c) {
          double scale = c / norm;
          for (int i = 0; i < s.rows(); i++) {
            theta[s.offset() + i * s.cols() + j] *= scale;
          }
          rescaled++;
        }
      }
    }
    return rescaled;
  }
}
