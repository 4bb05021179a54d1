package io.downhill.gradcheck;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Compares an analytic gradient with central differences.
 *
 * <pre>
 *   numeric_i  = (f(θ + h·e_i) - f(θ - h·e_i)) / 2h
 *   rel_i      = |analytic_i - numeric_i| / max(|analytic_i|, |numeric_i|, floor)
 *   floor      = min(10 · ε·|f(θ)|/h / threshold,  0.01 · max_j |analytic_j|)      (ε = 2^-52)
 * </pre>
 *
 * <p>Why a floor: the difference quotient carries its own rounding error, about {@code ε·|f|/h}
 * (2e-10 for f = 9 and h = 1e-5), whatever the true derivative. Where the true derivative is
 * that small (a bias whose gradient is exactly zero, a pixel that is almost always blank), a pure
 * ratio would measure rounding noise. The floor is the derivative size at which that noise is a
 * tenth of the threshold; below it the test becomes absolute, {@code |a - n| < ε·|f|/h · 10}.
 * The cap at 1% of the largest derivative keeps the check from becoming vacuous: a threshold finer
 * than central differences can resolve still judges every large derivative by the threshold, and
 * fails. Both values exactly zero agree exactly. The floor is in the report.
 */
public final class GradientCheck {
  /** Step h; the lecture's choice for double precision. */
  public static final double DEFAULT_H = 1e-5;
  /** The largest relative error that passes. */
  public static final double DEFAULT_THRESHOLD = 1e-6;
  private static final double EPSILON = Math.ulp(1.0);

  private final double h;
  private final double threshold;
  private final int maxCoordinates;
  private final long seed;
  private final int keepWorst;

  /**
   * @param threshold      the largest relative error that passes
   * @param maxCoordinates check every coordinate when p is at most this, else a seeded sample of this many
   * @param keepWorst      how many of the worst coordinates the report keeps
   */
  public GradientCheck(double h, double threshold, int maxCoordinates, long seed, int keepWorst) {
    if (!(h > 0) || !(threshold > 0) || maxCoordinates <= 0) {
      throw new IllegalArgumentException("need h > 0, threshold > 0, maxCoordinates > 0");
    }
    this.h = h;
    this.threshold = threshold;
    this.maxCoordinates = maxCoordinates;
    this.seed = seed;
    this.keepWorst = keepWorst;
  }

  public static GradientCheck defaults() {
    return new GradientCheck(DEFAULT_H, DEFAULT_THRESHOLD, 20_000, 0L, 10);
  }

  public GradientCheckReport run(Objective f, double[] theta) {
    int p = f.dimension();
    double[] analytic = new double[p];
    double value = f.valueAndGradient(theta.clone(), analytic);
    double largest = 0;
    for (double a : analytic) {
      largest = Math.max(largest, Math.abs(a));
    }
    double floor = Math.min(10 * EPSILON * Math.abs(value) / h / threshold, 0.01 * largest);
    double[] probe = theta.clone();
    PriorityQueue<GradientCheckReport.Entry> worst =
        new PriorityQueue<>(Comparator.comparingDouble(GradientCheckReport.Entry::relativeError));
    int checked = 0;
    int skipped = 0;
    double max = 0.0;
    for (int i : coordinates(f)) {
      double original = probe[i];
      probe[i] = original + h;
      double plus = f.value(probe);
      long piecePlus = f.piece(probe);
      probe[i] = original - h;
      double minus = f.value(probe);
      long pieceMinus = f.piece(probe);
      probe[i] = original;
      if (piecePlus != pieceMinus) {
        skipped++;
        continue;
      }
      double numeric = (plus - minus) / (2 * h);
      double a = analytic[i];
      double denominator = Math.max(Math.max(Math.abs(a), Math.abs(numeric)), floor);
      double rel = a == numeric ? 0.0 : Math.abs(a - numeric) / denominator;
      if (Double.isNaN(rel)) {
        rel = Double.POSITIVE_INFINITY;
      }
      checked++;
      max = Math.max(max, rel);
      worst.add(new GradientCheckReport.Entry(i, f.describe(i), a, numeric, rel));
      if (worst.size() > keepWorst) {
        worst.poll();
      }
    }
    List<GradientCheckReport.Entry> list = new ArrayList<>(worst);
    list.sort(Comparator.comparingDouble(GradientCheckReport.Entry::relativeError).reversed());
    return new GradientCheckReport(checked, skipped, max, list, floor, threshold);
  }

  /** The trained coordinates of {@code f}: all of them, or a seeded sample of {@code maxCoordinates}. */
  private int[] coordinates(Objective f) {
    int[] idx = IntStream.range(0, f.dimension()).filter(f::trained).toArray();
    int p = idx.length;
    if (p <= maxCoordinates) {
      return idx;
    }
    // A seeded sample without replacement (partial Fisher-Yates), sorted for locality.
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < maxCoordinates; i++) {
      int j = i + rng.nextInt(p - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    int[] sample = java.util.Arrays.copyOf(idx, maxCoordinates);
    java.util.Arrays.sort(sample);
    return sample;
  }
}
