package io.downhill.shard;

import java.io.Serializable;

/**
 * Loss and accuracy of a model over a dataset, mergeable across partitions. The confusion
 * matrix is {@code k x k}, row = true class, column = predicted class.
 *
 * <p>A regression evaluation ({@link #regression()}: no classes) keeps, instead of a confusion
 * matrix, the sums behind RMSE, MAE and R² over residuals {@code e_i = f(x_i) - y_i}:
 * <pre>
 *   RMSE = √(Σ e_i² / n)     MAE = Σ |e_i| / n     R² = 1 - Σ e_i² / Σ (y_i - ȳ)²
 * </pre>
 * unweighted like the accuracy (the loss is the weighted one). {@code Σ (y_i - ȳ)²} is kept as a
 * running mean and sum of squared deviations (Welford), merged exactly across partitions (Chan et
 * al.), so it does not lose digits when the targets sit far from zero.
 */
public final class Evaluation implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int classes;
  private final long[] confusion;
  private double lossSum;
  private double weightSum;
  private long rows;
  private long correct;
  private double squaredErrors;   // Σ e_i²        (regression)
  private double absoluteErrors;  // Σ |e_i|
  private double targetMean;      // ȳ
  private double targetSpread;    // Σ (y_i - ȳ)²

  public Evaluation(int classes) {
    this.classes = classes;
    this.confusion = new long[classes * classes];
  }

  /** An empty evaluation of regression rows: RMSE, MAE and R² instead of accuracy and a confusion matrix. */
  public static Evaluation regression() {
    return new Evaluation(0);
  }

  /** A regression evaluation as recorded (a checkpoint's epoch records): its sums as they were. */
  public static Evaluation restoreRegression(long rows, double squaredErrors, double absoluteErrors, double targetMean,
      double targetSpread, double lossSum, double weightSum) {
    Evaluation e = regression();
    e.rows = rows;
    e.squaredErrors = squaredErrors;
    e.absoluteErrors = absoluteErrors;
    e.targetMean = targetMean;
    e.targetSpread = targetSpread;
    e.lossSum = lossSum;
    e.weightSum = weightSum;
    return e;
  }

  /** Whether this evaluates regression rows (real-valued targets) rather than classes. */
  public boolean isRegression() {
    return classes == 0;
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

  /** Records one regression row: its target {@code y} and the prediction {@code f(x)}. */
  public void addTarget(double y, double predicted) {
    double e = predicted - y;
    squaredErrors += e * e;
    absoluteErrors += Math.abs(e);
    rows++;
    double delta = y - targetMean;            // Welford: ȳ and Σ (y - ȳ)² in one pass
    targetMean += delta / rows;
    targetSpread += delta * (y - targetMean);
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
    if (other.rows > 0 && isRegression()) {   // Chan et al.: the two spreads plus the gap between the means
      long n = rows + other.rows;
      double delta = other.targetMean - targetMean;
      targetSpread += other.targetSpread + delta * delta * ((double) rows * other.rows / n);
      targetMean += delta * other.rows / n;
      squaredErrors += other.squaredErrors;
      absoluteErrors += other.absoluteErrors;
    }
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

  /** Fraction of rows predicted correctly (unweighted); NaN for regression. */
  public double accuracy() {
    return rows == 0 || isRegression() ? Double.NaN : (double) correct / rows;
  }

  /** Root mean squared error {@code √(Σ e_i² / n)} (unweighted); NaN without rows or for classes. */
  public double rmse() {
    return rows == 0 || !isRegression() ? Double.NaN : Math.sqrt(squaredErrors / rows);
  }

  /** Mean absolute error {@code Σ |e_i| / n} (unweighted); NaN without rows or for classes. */
  public double mae() {
    return rows == 0 || !isRegression() ? Double.NaN : absoluteErrors / rows;
  }

  /**
   * The coefficient of determination {@code 1 - Σ e_i² / Σ (y_i - ȳ)²}: 1 for a perfect fit, 0 for
   * predicting the mean, negative for worse; NaN without rows, when every target is the same, or for classes.
   */
  public double r2() {
    return rows == 0 || !isRegression() || targetSpread == 0 ? Double.NaN : 1 - squaredErrors / targetSpread;
  }

  /** {@code Σ e_i²} (regression). */
  public double squaredErrors() {
    return squaredErrors;
  }

  /** {@code Σ |e_i|} (regression). */
  public double absoluteErrors() {
    return absoluteErrors;
  }

  /** The targets' mean ȳ (regression). */
  public double targetMean() {
    return targetMean;
  }

  /** {@code Σ (y_i - ȳ)²} (regression). */
  public double targetSpread() {
    return targetSpread;
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

  /** k; 0 for regression. */
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
