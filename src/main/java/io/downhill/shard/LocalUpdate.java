package io.downhill.shard;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What the partitions return from a job of local steps, and what merging brings to the driver:
 * <ul>
 *   <li>{@code deltaSum}: {@code Σ_p w_p·(θ_p - θ)}, each partition's move weighted by the weight
 *       {@code w_p} of the rows it used;
 *   <li>{@code weightSum}: {@code Σ_p w_p};
 *   <li>{@code stepLoss[j]}, {@code stepWeight[j]}: {@code Σ w_i L_i} and {@code Σ w_i} of local step j
 *       over all partitions;
 *   <li>{@code rows}, {@code computeNanos} as in {@link GradientAccumulator}.
 * </ul>
 * The driver's new θ is {@code θ + deltaSum / weightSum}: the weighted average of the local models.
 *
 * <p>The three arrays are summed in double from zero, in the order merged ({@code sum = 0; sum +=
 * v_p}): the rule of {@link GradientAccumulator} and of the collective all-reduce, which sums
 * {@link #flat} vectors so ({@link #ofSum}), so both transports give the same bits. (Taking the
 * first partition's values as they are would differ only where every partition has -0.0, which a
 * move {@code θ_p - θ} or a sum never is.)
 */
public final class LocalUpdate implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] deltaSum;
  private double weightSum;
  private double[] stepLoss;
  private double[] stepWeight;
  private long rows;
  private long computeNanos;
  /** Whether the arrays hold sums from zero (merged), not one partition's values as computed. */
  private boolean summed;

  public static LocalUpdate empty() {
    return new LocalUpdate();
  }

  static LocalUpdate of(double[] deltaSum, double weightSum, double[] stepLoss, double[] stepWeight, long rows,
      long computeNanos) {
    LocalUpdate u = new LocalUpdate();
    u.deltaSum = deltaSum;
    u.weightSum = weightSum;
    u.stepLoss = stepLoss;
    u.stepWeight = stepWeight;
    u.rows = rows;
    u.computeNanos = computeNanos;
    return u;
  }

  /**
   * The merge of every partition's update made elsewhere (a collective all-reduce): the sum of their
   * {@link #flat} vectors of {@code count} steps (null when no partition used a row), the weight
   * and row sums and the longest arithmetic time.
   */
  public static LocalUpdate ofSum(double[] flat, int count, double weightSum, long rows, long computeNanos) {
    LocalUpdate u = new LocalUpdate();
    if (flat != null) {
      int p = flat.length - 2 * count;
      u.deltaSum = Arrays.copyOfRange(flat, 0, p);
      u.stepLoss = Arrays.copyOfRange(flat, p, p + count);
      u.stepWeight = Arrays.copyOfRange(flat, p + count, p + 2 * count);
    }
    u.weightSum = weightSum;
    u.rows = rows;
    u.computeNanos = computeNanos;
    u.summed = true;
    return u;
  }

  /**
   * This update's arrays as one vector, {@code [deltaSum (p values) | stepLoss (K) | stepWeight (K)]},
   * or null when it used no row: what a partition contributes to a collective all-reduce.
   */
  public double[] flat() {
    if (deltaSum == null) {
      return null;
    }
    int p = deltaSum.length;
    int count = stepLoss.length;
    double[] flat = Arrays.copyOf(deltaSum, p + 2 * count);
    System.arraycopy(stepLoss, 0, flat, p, count);
    System.arraycopy(stepWeight, 0, flat, p + count, count);
    return flat;
  }

  /** Adds {@code other} into this one and returns this. */
  public LocalUpdate merge(LocalUpdate other) {
    sumInPlace();
    if (other.deltaSum != null) {
      deltaSum = add(deltaSum, other.deltaSum);
      stepLoss = add(stepLoss, other.stepLoss);
      stepWeight = add(stepWeight, other.stepWeight);
    }
    weightSum += other.weightSum;
    rows += other.rows;
    computeNanos = Math.max(computeNanos, other.computeNanos);
    return this;
  }

  /** Turns one partition's arrays into sums from zero, the first time. */
  private void sumInPlace() {
    if (!summed) {
      deltaSum = add(null, deltaSum);
      stepLoss = add(null, stepLoss);
      stepWeight = add(null, stepWeight);
      summed = true;
    }
  }

  /** {@code into += more}, {@code into} a zeroed array when null; null when both are. */
  private static double[] add(double[] into, double[] more) {
    if (more == null) {
      return into;
    }
    double[] sum = into != null ? into : new double[more.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] += more[i];
    }
    return sum;
  }

  public double[] deltaSum() {
    sumInPlace();
    return deltaSum;
  }

  public double weightSum() {
    return weightSum;
  }

  /** Weighted data loss of local step j averaged over the partitions, or NaN when no row reached it. */
  public double stepLoss(int j) {
    sumInPlace();
    return stepWeight == null || stepWeight[j] == 0 ? Double.NaN : stepLoss[j] / stepWeight[j];
  }

  /** Σ w_i of local step j over all partitions (0 when no row reached it). */
  public double stepWeight(int j) {
    sumInPlace();
    return stepWeight == null ? 0.0 : stepWeight[j];
  }

  public long rows() {
    return rows;
  }

  public long computeNanos() {
    return computeNanos;
  }
}
