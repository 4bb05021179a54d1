package io.downhill.spark;

import io.downhill.BadInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Feature preprocessing as MLlib stages, fitted on the training split only ({@code --preprocess}):
 * <ul>
 *   <li>{@code auto} (the command line's default): {@code standardize}, except on sparse rows, whose
 *       stored values average under {@link #SPARSE_DENSITY} of the features (LIBSVM text, hashed
 *       features): those are left as they are, {@code none}, decided on the first
 *       {@link #AUTO_SAMPLE} training rows ({@link #resolve}). Centering would make such rows dense
 *       (all d values cached for each row, not the few stored), and dividing by σ turns each rare
 *       word's value into a large one: on the generated text set of docs/RESULTS.md ("Defaults against
 *       tuned") standardize scores 0.6200, scale 0.6220 and none 0.6760, with the defaults otherwise;
 *   <li>{@code none};
 *   <li>{@code center}: {@code x - μ} ({@link StandardScaler} with mean, without std);
 *   <li>{@code standardize}: {@code (x - μ) / σ} (features with σ = 0 become 0);
 *   <li>{@code scale}: {@code x / σ}, no centering, so zeros stay zeros: the one for sparse rows
 *       (centering makes every row dense, and with it the cached blocks);
 *   <li>{@code pca:K}: the lecture's PCA with whitening: center, project on the top K principal
 *       components ({@link PCA}), then divide each component by its standard deviation (a second
 *       StandardScaler on the projections: the variance of component i over the centered training
 *       rows is its eigenvalue λ_i, so this is {@code x_rot,i / √λ_i}, whitening, from MLlib stages only).
 * </ul>
 * The fitted stages are a {@link PipelineModel} reading {@code features} and writing
 * {@link #OUTPUT}; the command line saves them in front of the classifier in {@code model/}, so a
 * loaded model takes raw features. Pixels are already scaled to [0, 1] by the readers.
 *
 * @param kind       auto, none, center, standardize, scale or pca
 * @param components K for pca (at most d), else 0
 * @param why        when {@code auto} left the rows alone, what decided it ("sparse rows, 0.1% non-zero"); else empty
 */
public record Preprocess(Kind kind, int components, String why) implements Serializable {
  /** The column the fitted stages write. */
  public static final String OUTPUT = Sources.FEATURES + "_preprocessed";
  public static final Preprocess NONE = new Preprocess(Kind.NONE, 0);
  public static final Preprocess CENTER = new Preprocess(Kind.CENTER, 0);
  public static final Preprocess STANDARDIZE = new Preprocess(Kind.STANDARDIZE, 0);
  public static final Preprocess SCALE = new Preprocess(Kind.SCALE, 0);
  public static final Preprocess AUTO = new Preprocess(Kind.AUTO, 0);
  /** Below this mean fraction of stored values per row, {@code auto} leaves sparse rows as they are. */
  public static final double SPARSE_DENSITY = 0.1;
  /** The training rows {@code auto} looks at. */
  public static final int AUTO_SAMPLE = 1000;

  public enum Kind { AUTO, NONE, CENTER, STANDARDIZE, SCALE, PCA }

  public Preprocess(Kind kind, int components) {
    this(kind, components, "");
  }

  public Preprocess {
    if ((kind == Kind.PCA) != (components > 0)) {
      throw BadInputException.of("--preprocess", "invalid number of principal components", "pca:K with K >= 1",
          kind.name().toLowerCase(Locale.ROOT) + " with " + components);
    }
  }

  public static Preprocess parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("pca")) {
      String k = t.startsWith("pca:") ? t.substring(4) : "";
      try {
        return new Preprocess(Kind.PCA, Integer.parseInt(k));
      } catch (NumberFormatException | BadInputException e) {
        throw BadInputException.of("--preprocess", "invalid number of principal components",
            "pca:K with an integer K >= 1, e.g. pca:100", "'" + text + "'");
      }
    }
    return switch (t) {
      case "auto" -> AUTO;
      case "none" -> NONE;
      case "center", "centre", "mean" -> CENTER;
      case "standardize", "standardise", "zscore" -> STANDARDIZE;
      case "scale" -> SCALE;
      default -> throw BadInputException.of("--preprocess", "unknown preprocessing",
          "auto, none, center, standardize, scale or pca:K", "'" + text + "'");
    };
  }

  /** e.g. "standardize", "pca:100 (whitened)", "none (auto: sparse rows, 0.12% non-zero)". */
  public String label() {
    String name = kind == Kind.PCA ? "pca:" + components + " (whitened)" : kind.name().toLowerCase(Locale.ROOT);
    return why.isEmpty() ? name : name + " (auto: " + why + ")";
  }

  /**
   * What {@code auto} means for these training rows ({@code d} features): {@code none} when the first
   * {@link #AUTO_SAMPLE} rows are sparse vectors storing under {@link #SPARSE_DENSITY} of d values on average,
   * else {@code standardize}; any other kind is returned as it is.
   */
  public Preprocess resolve(Dataset<Row> train, int d) {
    if (kind != Kind.AUTO) {
      return this;
    }
    List<Row> rows = train.select(Sources.FEATURES).takeAsList(AUTO_SAMPLE);
    long stored = 0;
    boolean sparse = !rows.isEmpty();
    for (Row r : rows) {
      Vector v = r.getAs(0);
      sparse &= v instanceof SparseVector;
      stored += v instanceof SparseVector sv ? sv.numActives() : v.size();
    }
    double density = rows.isEmpty() || d == 0 ? 1 : (double) stored / ((double) rows.size() * d);
    String percent = String.format(Locale.ROOT, "%.3g%%", 100 * density);
    return sparse && density < SPARSE_DENSITY
        ? new Preprocess(Kind.NONE, 0, "sparse rows, " + percent + " non-zero")
        : STANDARDIZE;
  }

  /** The number of features after preprocessing {@code d} features. */
  public int outputFeatures(int d) {
    return kind == Kind.PCA ? components : d;
  }

  /**
   * Fits the stages on the training rows; null for {@code none}. A non-finite mean or standard
   * deviation means the training data holds NaN or infinite values: a {@link BadInputException}
   * naming the first such feature ({@code where} names the data).
   */
  public PipelineModel fit(Dataset<Row> train, int d, String where) {
    if (kind == Kind.AUTO) {
      throw new IllegalStateException("resolve auto preprocessing before fitting");
    }
    if (kind == Kind.NONE) {
      return null;
    }
    if (kind == Kind.PCA && components > d) {
      throw BadInputException.of("--preprocess pca:" + components, "more principal components than features",
          "K <= " + d, Integer.toString(components));
    }
    List<PipelineStage> stages = new ArrayList<>();
    String scaled = kind == Kind.PCA ? Sources.FEATURES + "_centered" : OUTPUT;
    stages.add(new StandardScaler().setInputCol(Sources.FEATURES).setOutputCol(scaled).setWithMean(kind != Kind.SCALE)
        .setWithStd(kind == Kind.STANDARDIZE || kind == Kind.SCALE));
    if (kind == Kind.PCA) {
      stages.add(new PCA().setInputCol(scaled).setOutputCol(Sources.FEATURES + "_pca").setK(components));
      stages.add(new StandardScaler().setInputCol(Sources.FEATURES + "_pca").setOutputCol(OUTPUT).setWithMean(true)
          .setWithStd(true));
    }
    PipelineModel fitted = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(train);
    StandardScalerModel first = (StandardScalerModel) fitted.stages()[0];
    double[] mean = first.mean().toArray();
    double[] std = first.std().toArray();
    for (int j = 0; j < mean.length; j++) {
      if (!Double.isFinite(mean[j]) || !Double.isFinite(std[j])) {
        throw BadInputException.of(where + ", feature " + j, "feature value is not finite",
            "finite numbers in every row", "mean " + mean[j] + ", standard deviation " + std[j]);
      }
    }
    return fitted;
  }

  /**
   * What fitted stages do, read back from the stages themselves (a saved model's, for a warm
   * start that keeps them): NONE for null; the first StandardScaler's withMean/withStd give center,
   * standardize or scale; a PCA after it gives pca:K. Stages of another shape are bad input at
   * {@code where}.
   */
  public static Preprocess of(PipelineModel stages, String where) {
    if (stages == null || stages.stages().length == 0) {
      return NONE;
    }
    Transformer[] t = stages.stages();
    if (t.length == 1 && t[0] instanceof StandardScalerModel s) {
      if (s.getWithMean() && s.getWithStd()) {
        return STANDARDIZE;
      }
      return s.getWithMean() ? CENTER : s.getWithStd() ? SCALE : NONE;
    }
    if (t.length == 3 && t[0] instanceof StandardScalerModel && t[1] instanceof PCAModel pca
        && t[2] instanceof StandardScalerModel) {
      return new Preprocess(Kind.PCA, pca.pc().numCols());
    }
    StringBuilder found = new StringBuilder();
    for (Transformer x : t) {
      found.append(found.length() == 0 ? "" : ", ").append(x.getClass().getSimpleName());
    }
    throw BadInputException.of(where, "preprocessing stages downhill train does not write",
        "a StandardScaler, or StandardScaler, PCA, StandardScaler", found.toString());
  }

  /** The number of raw features fitted stages take in (the first StandardScaler's width). */
  public static int inputs(PipelineModel stages) {
    return ((StandardScalerModel) stages.stages()[0]).mean().size();
  }

  /** Applies fitted stages (null: unchanged), keeping the standard column names. */
  public static Dataset<Row> apply(PipelineModel stages, Dataset<Row> frame) {
    if (stages == null || frame == null) {
      return frame;
    }
    Dataset<Row> out = stages.transform(frame);
    out = out.drop(Sources.FEATURES + "_centered", Sources.FEATURES + "_pca"); // intermediate columns, if any
    return out.drop(Sources.FEATURES).withColumnRenamed(OUTPUT, Sources.FEATURES);
  }
}
