package io.downhill.loss;

import io.downhill.linalg.Blas;
import io.downhill.linalg.Numbers;
import io.downhill.model.ParameterLayout;
import java.io.Serializable;

/**
 * Elastic-net regularization on weights, never biases, with L2 and L1 as its two ends
 * ({@code regParam} λ, {@code l1Ratio} α; validated by the settings schema as part of a training config):
 * <pre>
 *   R(W)     = λ · ( α·Σ|W|  +  (1 - α)·Σ W² )
 *   ∂R/∂W    = λ · ( α·sign(W)  +  2(1 - α)·W )        (sign(0) = 0)
 * </pre>
 * {@code α = 0} is the lecture's L2 penalty λ‖W‖² (no factor ½), {@code α = 1} is L1.
 */
public record Regularizer(double lambda, double l1Ratio) implements Serializable {


  /** L2: {@code λ‖W‖²}. */
  public Regularizer(double lambda) {
    this(lambda, 0.0);
  }

  public static Regularizer none() {
    return new Regularizer(0.0);
  }

  /** "L2 1e-4", "L1 1e-4", "elastic net 1e-4 (L1 ratio 0.5)" or "none". */
  public String describe() {
    if (lambda == 0) {
      return "none";
    }
    String strength = Numbers.compact(lambda);
    return l1Ratio == 0 ? "L2 " + strength : l1Ratio == 1 ? "L1 " + strength
        : "elastic net " + strength + " (L1 ratio " + Numbers.compact(l1Ratio) + ")";
  }

  /** {@code R(W)} over the regularized slices of {@code layout}. */
  public double penalty(double[] theta, ParameterLayout layout) {
    if (lambda == 0) {
      return 0.0;
    }
    double squares = 0.0;
    double absolutes = 0.0;
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.role().regularized()) {
        squares += Blas.sumOfSquares(theta, s.offset(), s.size());
        if (l1Ratio > 0) {
          for (int i = s.offset(); i < s.end(); i++) {
            absolutes += Math.abs(theta[i]);
          }
        }
      }
    }
    return lambda * (l1Ratio * absolutes + (1 - l1Ratio) * squares);
  }

  /** {@code grad += ∂R/∂θ}: on weight slices only. */
  public void addGradient(double[] theta, ParameterLayout layout, double[] grad) {
    if (lambda == 0) {
      return;
    }
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.role().regularized()) {
        if (l1Ratio < 1) {
          Blas.axpy(s.size(), 2 * lambda * (1 - l1Ratio), theta, s.offset(), grad, s.offset()); // 2λ(1-α)·W
        }
        if (l1Ratio > 0) {
          for (int i = s.offset(); i < s.end(); i++) {
            grad[i] += lambda * l1Ratio * Math.signum(theta[i]);                                 // λα·sign(W)
          }
        }
      }
    }
  }

  /** The signs of the weights when there is an L1 part (|W| has a kink at 0), else 0. */
  public long piece(double[] theta, ParameterLayout layout) {
    if (lambda == 0 || l1Ratio == 0) {
      return 0L;
    }
    long hash = 1469598103934665603L;
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.role().regularized()) {
        for (int i = s.offset(); i < s.end(); i++) {
          hash = (hash ^ (long) Math.signum(theta[i]) + 1) * 1099511628211L;
        }
      }
    }
    return hash;
  }
}
