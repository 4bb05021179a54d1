package io.downhill.shard;

import java.io.Serializable;

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
 */
public final class LocalUpdate implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] deltaSum;
  private double weightSum;
  private double[] stepLoss;
  private double[] stepWeight;
  private long rows;
  private long computeNanos;

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

  /** Adds {@code other} into this one and returns this. */
  public LocalUpdate merge(LocalUpdate other) {
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

  private static double[] add(double[] into, double[] more) {
    if (into == null) {
      return more.clone();
    }
    for (int i = 0; i < into.length; i++) {
      into[i] += more[i];
    }
    return into;
  }

  public double[] deltaSum() {
    return deltaSum;
  }

  public double weightSum() {
    return weightSum;
  }

  /** Weighted data loss of local step j averaged over the partitions, or NaN when no row reached it. */
  public double stepLoss(int j) {
    return stepWeight == null || stepWeight[j] == 0 ? Double.NaN : stepLoss[j] / stepWeight[j];
  }

  /** Σ w_i of local step j over all partitions (0 when no row reached it). */
  public double stepWeight(int j) {
    return stepWeight == null ? 0.0 : stepWeight[j];
  }

  public long rows() {
    return rows;
  }

  public long computeNanos() {
    return computeNanos;
  }
}
