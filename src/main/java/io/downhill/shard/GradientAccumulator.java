package io.downhill.shard;

import io.downhill.linalg.Buf;
import java.io.Serializable;

/**
 * What every partition returns for a step, and what merging brings to the driver: named sums,
 * not a tuple.
 *
 * <ul>
 *   <li>the gradient: {@code Σ_i w_i ∂L_i/∂θ}. A partition's own contribution stays in compute
 *       precision as computed ({@code partial}, float32 by default: half the bytes to serialize);
 *       merging sums contributions in double ({@code sum}), whatever the compute precision;
 *   <li>{@code lossSum}: {@code Σ_i w_i L_i};
 *   <li>{@code weightSum}: {@code Σ_i w_i} (the row count when unweighted);
 *   <li>{@code rows}: rows that contributed;
 *   <li>the batch statistics of the model's stateful layers (sums), and, in a step that runs in
 *       {@link Rounds}, the sums of the total its next round needs instead of all the above;
 *   <li>{@code computeNanos}: the longest time one partition spent on the arithmetic (the critical
 *       path when partitions run in parallel): the step's time minus this is Spark's overhead.
 * </ul>
 *
 * Merging never keeps a reference to the other accumulator's arrays, so a partition may hand over
 * its reused gradient buffer: Spark serializes it at the end of the task, and the local driver
 * reads it once while merging.
 */
public final class GradientAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private Buf partial;
  private RowSparseGradient sparse;
  private double[] sum;
  private double lossSum;
  private double weightSum;
  private long rows;
  private long computeNanos;
  private double[] stats;
  private double[] needed;

  public static GradientAccumulator empty() {
    return new GradientAccumulator();
  }

  /** One partition's minibatch: its gradient sum in compute precision (exactly p values), loss and weight sums. */
  public static GradientAccumulator of(Buf gradient, double lossSum, double weightSum, long rows, long computeNanos) {
    GradientAccumulator acc = new GradientAccumulator();
    acc.partial = gradient;
    acc.lossSum = lossSum;
    acc.weightSum = weightSum;
    acc.rows = rows;
    acc.computeNanos = computeNanos;
    return acc;
  }

  /** The same for a gradient that touched only some rows of a wide first layer ({@link RowSparseGradient}). */
  public static GradientAccumulator of(RowSparseGradient gradient, double lossSum, double weightSum, long rows,
      long computeNanos) {
    GradientAccumulator acc = of((Buf) null, lossSum, weightSum, rows, computeNanos);
    acc.sparse = gradient;
    return acc;
  }

  /**
   * This accumulator carrying the batch statistics of the model's stateful layers (see
   * {@code Model#accumulateStats}): sums, merged by addition like the gradient. Null for none.
   */
  GradientAccumulator withStats(double[] sums) {
    stats = sums;
    return this;
  }

  /**
   * A partition's step stopped at a total over the step's batch its round did not know yet
   * ({@link Rounds}): its own sums for that total, which merging adds up in partition order.
   */
  static GradientAccumulator needing(double[] partial) {
    GradientAccumulator acc = new GradientAccumulator();
    acc.needed = partial;
    return acc;
  }

  /** The summed sums of the total the step's next round needs ({@link Rounds}), or null when the step is complete. */
  public double[] needed() {
    return needed;
  }

  /**
   * The merge of every partition's accumulator made elsewhere (a collective exchange between the
   * tasks): the gradient sum in double (null when no row contributed), the sums and the longest
   * arithmetic time.
   */
  public static GradientAccumulator ofSum(double[] gradSum, double lossSum, double weightSum, long rows,
      long computeNanos, double[] stats) {
    GradientAccumulator acc = of((Buf) null, lossSum, weightSum, rows, computeNanos);
    acc.sum = gradSum;
    acc.stats = stats;
    return acc;
  }

  /** This partition's dense gradient in compute precision as computed (null when none or row-sparse). */
  public Buf partial() {
    return partial;
  }

  /** This accumulator with {@code dense} as its gradient when it has none (a row-sparse gradient that did not pay). */
  GradientAccumulator orDense(Buf dense) {
    if (sparse == null && partial == null) {
      partial = dense;
    }
    return this;
  }

  /**
   * This accumulator with a gradient of its own: a copy of a {@code partial} that is the
   * partition's reused buffer. Needed when one task computes several gradients before its result is
   * serialized (several runs sharing a job), since the next would overwrite the buffer.
   */
  public GradientAccumulator detached() {
    if (partial != null) {
      Buf own = Buf.allocate(partial.precision(), partial.length());
      if (partial.f != null) {
        System.arraycopy(partial.f, 0, own.f, 0, partial.f.length);
      } else {
        System.arraycopy(partial.d, 0, own.d, 0, partial.d.length);
      }
      partial = own;
    }
    return this;
  }

  /** Adds {@code other} into this one (in double) and returns this (Spark's reduce function). */
  public GradientAccumulator merge(GradientAccumulator other) {
    if (other.sparse != null) {
      other.sparse.addTo(ownSum(other.sparse.length()));
    } else if (other.partial != null || other.sum != null) {
      int p = other.sum != null ? other.sum.length : other.partial.length();
      double[] into = ownSum(p);
      if (other.sum != null) {
        if (into.length != p) {
          throw new IllegalStateException("gradient sizes differ: " + into.length + " vs " + p);
        }
        for (int i = 0; i < p; i++) {
          into[i] += other.sum[i];
        }
      } else {
        other.partial.addTo(0, into, p);
      }
    }
    stats = add(stats, other.stats);
    needed = add(needed, other.needed);
    lossSum += other.lossSum;
    weightSum += other.weightSum;
    rows += other.rows;
    computeNanos = Math.max(computeNanos, other.computeNanos);
    return this;
  }

  /** {@code into + other} element by element (the first non-null one copied, as the collective's all-reduce sums). */
  private static double[] add(double[] into, double[] other) {
    if (other == null) {
      return into;
    }
    if (into == null) {
      return other.clone();
    }
    for (int i = 0; i < into.length; i++) {
      into[i] += other[i];
    }
    return into;
  }

  /** This accumulator's double sum, made from its partial (if any) the first time. */
  private double[] ownSum(int p) {
    if (sum == null) {
      sum = new double[p];
      if (partial != null) {
        partial.addTo(0, sum, p);
        partial = null;
      } else if (sparse != null) {
        sparse.addTo(sum);
        sparse = null;
      }
    }
    return sum;
  }

  /** The gradient sum in double, or null when no row contributed. */
  public double[] gradSum() {
    if (sum == null && partial == null && sparse == null) {
      return null;
    }
    return ownSum(partial != null ? partial.length() : sparse != null ? sparse.length() : 0);
  }

  /** Whether the gradient is still a partition's {@link RowSparseGradient} (not yet merged). */
  public boolean isRowSparse() {
    return sparse != null;
  }

  /** The summed statistics of the model's stateful layers, or null when it has none. */
  public double[] statsSum() {
    return stats;
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
