package io.downhill.shard;

import java.io.Serializable;

/**
 * Loss and accuracy of a model over a dataset, mergeable across partitions. The confusion
 * matrix is {@code k x k}, row = true class, column = predicted class.
 */
public final class Evaluation implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int classes;
  private final long[] confusion;
  private double lossSum;
  private double weightSum;
  private long rows;
  private long correct;

  public Evaluation(int classes) {
    this.classes = classes;
    this.confusion = new long[classes * classes];
  }

  /** An evaluation as recorded (a checkpoint's epoch records): counts and sums as they were. */
  public static Evaluation restore(int classes, long[] confusion, double lossSum, double weightSum) {
    if (confusion.length != classes * classes) {
      throw new IllegalArgumentException("a confusion matrix of " + confusion.length + " counts for " + classes + " classes");
    }
    Evaluation e = new Evaluation(classes);
    for (int label = 0; label < classes; label++) {
      for (int predicted = 0; predicted < classes; predicted++) {
        long n = confusion[label * classes + predicted];
        e.confusion[label * classes + predicted] = n;
        e.rows += n;
        if (label == predicted) {
          e.correct += n;
        }
      }
    }
    e.lossSum = lossSum;
    e.weightSum = weightSum;
    return e;
  }

  /** Adds the weighted loss sum of a chunk of rows whose predictions are recorded separately. */
  public void addLoss(double lossSum, double weightSum) {
    this.lossSum += lossSum;
    this.weightSum += weightSum;
  }

  /** Records one row's prediction. */
  public void addPrediction(int label, int predicted) {
    confusion[label * classes + predicted]++;
    rows++;
    if (label == predicted) {
      correct++;
    }
  }

  public Evaluation merge(Evaluation other) {
    if (other.classes != classes) {
      throw new IllegalStateException("class counts differ: " + classes + " vs " + other.classes);
    }
    for (int i = 0; i < confusion.length; i++) {
      confusion[i] += other.confusion[i];
    }
    lossSum += other.lossSum;
    weightSum += other.weightSum;
    rows += other.rows;
    correct += other.correct;
    return this;
  }

  public long rows() {
    return rows;
  }

  public long correct() {
    return correct;
  }

  /** Fraction of rows predicted correctly (unweighted). */
  public double accuracy() {
    return rows == 0 ? Double.NaN : (double) correct / rows;
  }

  /** Weighted mean data loss {@code Σ w_i L_i / Σ w_i} (no regularization). */
  public double loss() {
    return weightSum == 0 ? Double.NaN : lossSum / weightSum;
  }

  /** {@code Σ w_i L_i}. */
  public double lossSum() {
    return lossSum;
  }

  /** {@code Σ w_i}. */
  public double weightSum() {
    return weightSum;
  }

  public int classes() {
    return classes;
  }

  /** Row-major {@code k x k} counts, row = true class, column = predicted. */
  public long[] confusion() {
    return confusion.clone();
  }

  public long[][] confusionMatrix() {
    long[][] m = new long[classes][classes];
    for (int i = 0; i < classes; i++) {
      System.arraycopy(confusion, i * classes, m[i], 0, classes);
    }
    return m;
  }
}
