package io.downhill.spark;

import io.downhill.data.BadInputException;
import java.util.Locale;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Feature preprocessing, fitted on the training split only, by MLlib's {@link StandardScaler}
 * (a distributed pass for the per-feature mean and standard deviation):
 * {@code none}; {@code center}: {@code x - μ}; {@code standardize}: {@code (x - μ) / σ}
 * (features with σ = 0 become 0). Pixels are already scaled to [0, 1] by the readers.
 */
public enum Preprocess {
  NONE, CENTER, STANDARDIZE;

  public static Preprocess parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "none" -> NONE;
      case "center", "centre", "mean" -> CENTER;
      case "standardize", "standardise", "zscore" -> STANDARDIZE;
      default -> throw BadInputException.of("--preprocess", "unknown preprocessing", "none, center or standardize",
          "'" + text + "'");
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Fits the scaler on the training rows; null for {@link #NONE}. A non-finite mean or standard
   * deviation means the training data holds NaN or infinite values: a {@link BadInputException}
   * naming the first such feature ({@code where} names the data).
   */
  public StandardScalerModel fit(Dataset<Row> train, String where) {
    if (this == NONE) {
      return null;
    }
    StandardScalerModel scaler = new StandardScaler().setInputCol(Sources.FEATURES)
        .setOutputCol(Sources.FEATURES + "_scaled").setWithMean(true).setWithStd(this == STANDARDIZE).fit(train);
    double[] mean = scaler.mean().toArray();
    double[] std = scaler.std().toArray();
    for (int j = 0; j < mean.length; j++) {
      if (!Double.isFinite(mean[j]) || !Double.isFinite(std[j])) {
        throw BadInputException.of(where + ", feature " + j, "feature value is not finite",
            "finite numbers in every row", "mean " + mean[j] + ", standard deviation " + std[j]);
      }
    }
    return scaler;
  }

  /** Applies a fitted scaler (null: unchanged), keeping the standard column names. */
  public static Dataset<Row> apply(StandardScalerModel scaler, Dataset<Row> frame) {
    if (scaler == null || frame == null) {
      return frame;
    }
    return scaler.transform(frame).drop(Sources.FEATURES).withColumnRenamed(Sources.FEATURES + "_scaled", Sources.FEATURES);
  }
}
