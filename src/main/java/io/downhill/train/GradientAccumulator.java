package io.downhill.train;

import java.io.Serializable;

/**
 * What every partition returns for a step, and what merging brings to the driver: named sums,
 * not a tuple. Created empty (no array until the first contribution, so the zero value that
 * Spark ships with every task is a few bytes).
 *
 * <ul>
 *   <li>{@code gradSum}: {@code Σ_i w_i ∂L_i/∂θ} (double, whatever the compute precision);
 *   <li>{@code lossSum}: {@code Σ_i w_i L_i};
 *   <li>{@code weightSum}: {@code Σ_i w_i} (the row count when unweighted);
 *   <li>{@code rows}: rows that contributed;
 *   <li>{@code computeNanos}: the longest time one partition spent on the arithmetic (the critical
 *       path when partitions run in parallel): the step's time minus this is Spark's overhead.
 * </ul>
 */
public final class GradientAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] gradSum;
  private double lossSum;
  private double weightSum;
  private long rows;
  private long computeNanos;

  public static GradientAccumulator empty() {
    return new GradientAccumulator();
  }

  /** Adds one partition's minibatch: its gradient sum (adopted, not copied), loss sum, weight sum and rows. */
  public static GradientAccumulator of(double[] gradSum, double lossSum, double weightSum, long rows, long computeNanos) {
    GradientAccumulator acc = new GradientAccumulator();
    acc.gradSum = gradSum;
    acc.lossSum = lossSum;
    acc.weightSum = weightSum;
    acc.rows = rows;
    acc.computeNanos = computeNanos;
    return acc;
  }

  /** Adds {@code other} into this one and returns this (Spark's seqOp and combOp). */
  public GradientAccumulator merge(GradientAccumulator other) {
    if (other.gradSum != null) {
      if (gradSum == null) {
        gradSum = other.gradSum.clone();
      } else {
        if (gradSum.length != other.gradSum.length) {
          throw new IllegalStateException("gradient sizes differ: " + gradSum.length + " vs " + other.gradSum.length);
        }
        for (int i = 0; i < gradSum.length; i++) {
          gradSum[i] += other.gradSum[i];
        }
      }
    }
    lossSum += other.lossSum;
    weightSum += other.weightSum;
    rows += other.rows;
    computeNanos = Math.max(computeNanos, other.computeNanos);
    return this;
  }

  /** The gradient sum, or null when no row contributed. */
  public double[] gradSum() {
    return gradSum;
  }

  public double lossSum() {
    return lossSum;
  }

  public double weightSum() {
    return weightSum;
  }

  public long rows() {
    return rows;
  }

  /** The longest arithmetic time of one partition, in nanoseconds. */
  public long computeNanos() {
    return computeNanos;
  }
}
