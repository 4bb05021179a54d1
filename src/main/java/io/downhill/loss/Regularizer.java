package io.downhill.loss;

import io.downhill.linalg.Blas;
import io.downhill.model.ParameterLayout;
import java.io.Serializable;

/**
 * L2 regularization on weights, never biases: {@code R(W) = λ Σ W²}, the lecture's form
 * (no factor 1/2), so {@code ∂R/∂W = 2λW}.
 */
public record Regularizer(double lambda) implements Serializable {

  public Regularizer {
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("regularization strength must be a finite number >= 0, found " + lambda);
    }
  }

  public static Regularizer none() {
    return new Regularizer(0.0);
  }

  /** {@code R(W)} over the regularized slices of {@code layout}. */
  public double penalty(double[] params, ParameterLayout layout) {
    if (lambda == 0) {
      return 0.0;
    }
    double sum = 0.0;
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.regularized()) {
        sum += Blas.sumOfSquares(params, s.offset(), s.size());
      }
    }
    return lambda * sum;
  }

  /** {@code grad += ∂R/∂θ}: {@code 2λW} on weight slices, nothing on biases. */
  public void addGradient(double[] params, ParameterLayout layout, double[] grad) {
    if (lambda == 0) {
      return;
    }
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.regularized()) {
        Blas.axpy(s.size(), 2 * lambda, params, s.offset(), grad, s.offset());
      }
    }
  }
}
