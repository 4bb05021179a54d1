package io.downhill.ml;

import java.util.function.DoubleUnaryOperator;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple2;

import static org.apache.spark.sql.functions.col;

/**
 * A fitted model on a dataset ({@link DownhillClassificationModel#evaluate}): the predictions, and
 * the multiclass metrics Spark's own classifiers' summaries give ({@code ClassificationSummary}),
 * computed by Spark's {@link MulticlassMetrics} from the prediction and label columns. The
 * "weighted" metrics are averages over the classes weighted by each class's share of the rows.
 * Every metric comes from one pass over the predictions, made at the first question.
 */
public final class DownhillClassificationSummary {
  private final Dataset<Row> predictions;
  private final String predictionCol;
  private final String labelCol;
  private MulticlassMetrics metrics;

  DownhillClassificationSummary(Dataset<Row> predictions, String predictionCol, String labelCol) {
    this.predictions = predictions;
    this.predictionCol = predictionCol;
    this.labelCol = labelCol;
  }

  /** The dataset with the model's output columns added ({@code rawPrediction}, {@code probability}, {@code prediction}). */
  public Dataset<Row> predictions() {
    return predictions;
  }

  /** The column of predicted class indices. */
  public String predictionCol() {
    return predictionCol;
  }

  /** The column of true class indices. */
  public String labelCol() {
    return labelCol;
  }

  /** The share of rows predicted right. */
  public double accuracy() {
    return metrics().accuracy();
  }

  /** The class indices that occur as labels or predictions, in increasing order. */
  public double[] labels() {
    return metrics().labels();
  }

  public double weightedPrecision() {
    return metrics().weightedPrecision();
  }

  public double weightedRecall() {
    return metrics().weightedRecall();
  }

  /** F1, weighted. */
  public double weightedFMeasure() {
    return metrics().weightedFMeasure();
  }

  /** Precision per class, in the order of {@link #labels()}. */
  public double[] precisionByLabel() {
    return byLabel(metrics()::precision);
  }

  /** Recall per class, in the order of {@link #labels()}. */
  public double[] recallByLabel() {
    return byLabel(metrics()::recall);
  }

  /** F1 per class, in the order of {@link #labels()}. */
  public double[] fMeasureByLabel() {
    return byLabel(metrics()::fMeasure);
  }

  private double[] byLabel(DoubleUnaryOperator metric) {
    double[] labels = labels();
    double[] out = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = metric.applyAsDouble(labels[i]);
    }
    return out;
  }

  private MulticlassMetrics metrics() {
    if (metrics == null) {
      var pairs = predictions.select(col(predictionCol), col(labelCol).cast(DataTypes.DoubleType)).javaRDD()
          .map(r -> new Tuple2<Object, Object>(r.getDouble(0), r.getDouble(1)));
      metrics = new MulticlassMetrics(pairs.rdd());
    }
    return metrics;
  }
}
