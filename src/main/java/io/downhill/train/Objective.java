package io.downhill.train;

import io.downhill.linalg.Blas;
import io.downhill.loss.Regularizer;
import io.downhill.model.ParameterLayout;
import io.downhill.shard.GradientAccumulator;

/**
 * A step's objective as the loop records it.
 *
 * @param loss     data loss + regularization penalty
 * @param dataLoss the weighted mean data loss
 * @param gradient the mean gradient with the regularization gradient, or null where the step has none
 * @param gradNorm ‖g‖₂
 */
record Objective(double loss, double dataLoss, double[] gradient, double gradNorm) {

  /**
   * The minibatch objective of {@code acc} at θ, checked finite:
   * <pre>
   *   g = (Σ_i w_i ∂L_i/∂θ) / Σ_i w_i  +  ∂R/∂θ     (in place in the accumulator's gradient sum)
   * </pre>
   */
  static Objective of(GradientAccumulator acc, double[] theta, Regularizer reg, ParameterLayout layout, long step,
      int epoch, double lr) {
    double[] g = acc.gradSum();
    Blas.scal(1.0 / acc.weightSum(), g);
    double dataLoss = acc.lossSum() / acc.weightSum();
    double loss = dataLoss + reg.penalty(theta, layout);
    reg.addGradient(theta, layout, g);
    double gradNorm = Math.sqrt(Blas.sumOfSquares(g, 0, g.length));
    if (!Double.isFinite(loss)) {
      throw new DivergedException(step, epoch, "loss", loss, lr);
    }
    if (!Double.isFinite(gradNorm)) {
      throw new DivergedException(step, epoch, "gradient norm", gradNorm, lr);
    }
    return new Objective(loss, dataLoss, g, gradNorm);
  }
}
