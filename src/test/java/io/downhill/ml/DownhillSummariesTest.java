package io.downhill.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.shard.BatchPlan;
import io.downhill.shard.Split;
import io.downhill.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed summaries: the training summary of a fit (per-epoch loss and accuracy per split, the
 * objective's history, the iterations), the same after save and load; and {@code evaluate}, whose
 * metrics are Spark's own (they equal MulticlassClassificationEvaluator's on the same predictions).
 */
class DownhillSummariesTest {
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  /** Three overlapping Gaussian classes in 4 features: accuracy well above chance, below 1. */
  private static Dataset<Row> blobs(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int y = i % 3;
      double[] x = new double[4];
      for (int j = 0; j < x.length; j++) {
        x[j] = (j == y ? 1.2 : 0.0) + rng.nextGaussian();
      }
      rows.add(RowFactory.create((double) y, Vectors.dense(x)));
    }
    return TestSpark.session().createDataFrame(rows, new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)}));
  }

  @BeforeAll
  static void data() {
    train = blobs(1200, 1).cache();
    test = blobs(600, 2).cache();
  }

  @Test
  void theTrainingSummaryIsTypedAndComesBackWithTheSavedModel(@TempDir Path dir) throws Exception {
    DownhillClassificationModel model = new DownhillClassifier().setEpochs(3).setBatchSize(100).setNumPartitions(2)
        .setValidationFraction(0.25).setSeed(5).fit(train);
    assertTrue(model.hasSummary());
    DownhillTrainingSummary s = model.summary();
    assertEquals(3, s.epochs());
    assertEquals(List.of(Split.TRAIN, Split.VALIDATION), s.splits());
    long trainRows = s.get("data_identity").get("train_rows").asLong();
    assertTrue(trainRows > 800 && trainRows < 1000, "about 75% of 1200: " + trainRows);
    assertEquals(3L * BatchPlan.stepsPerEpoch(trainRows, 100), s.totalIterations());
    assertArrayEquals(s.loss(Split.TRAIN), s.objectiveHistory(), 0.0);
    assertTrue(s.objectiveHistory()[2] < s.objectiveHistory()[0], java.util.Arrays.toString(s.objectiveHistory()));
    for (Split split : s.splits()) {
      assertEquals(3, s.loss(split).length);
      for (double a : s.accuracy(split)) {
        assertTrue(a > 0.5 && a < 1, split + " accuracy " + a);
      }
    }
    assertTrue(Double.isNaN(s.loss(Split.TEST)[0]), "no test split in a fit");
    assertEquals(3, s.bestEpoch());
    assertEquals("epochs", s.stopReason());

    String path = dir.resolve("model").toString();
    model.write().save(path);
    DownhillClassificationModel loaded = DownhillClassificationModel.load(path);
    assertTrue(loaded.hasSummary(), "summary.json is loaded with the model");
    assertEquals(s.json(), loaded.summary().json());
    assertArrayEquals(s.accuracy(Split.VALIDATION), loaded.summary().accuracy(Split.VALIDATION), 0.0);
    assertEquals(s.totalIterations(), loaded.summary().totalIterations());

    DownhillClassificationModel bare = new DownhillClassificationModel("bare", model.saved(), null);
    assertFalse(bare.hasSummary());
    assertThrows(IllegalStateException.class, bare::summary);
  }

  @Test
  void evaluateGivesPredictionsAndSparksOwnMetrics() {
    DownhillClassificationModel model = new DownhillClassifier().setEpochs(3).setBatchSize(100).setNumPartitions(2)
        .setSeed(5).fit(train);
    DownhillClassificationSummary e = model.evaluate(test);
    assertEquals(600, e.predictions().count());
    assertEquals("prediction", e.predictionCol());
    assertEquals("label", e.labelCol());
    assertArrayEquals(new double[] {0, 1, 2}, e.labels(), 0.0);
    MulticlassClassificationEvaluator spark = new MulticlassClassificationEvaluator();
    Dataset<Row> predicted = model.transform(test);
    assertEquals(spark.setMetricName("accuracy").evaluate(predicted), e.accuracy(), 1e-15);
    assertEquals(spark.setMetricName("weightedPrecision").evaluate(predicted), e.weightedPrecision(), 1e-15);
    assertEquals(spark.setMetricName("weightedRecall").evaluate(predicted), e.weightedRecall(), 1e-15);
    assertEquals(spark.setMetricName("f1").evaluate(predicted), e.weightedFMeasure(), 1e-15);
    assertTrue(e.accuracy() > 0.5 && e.accuracy() < 1, "accuracy " + e.accuracy());
    for (double[] byLabel : new double[][] {e.precisionByLabel(), e.recallByLabel(), e.fMeasureByLabel()}) {
      assertEquals(3, byLabel.length);
    }
    assertEquals(spark.setMetricName("precisionByLabel").setMetricLabel(1.0).evaluate(predicted),
        e.precisionByLabel()[1], 1e-15);

    // without a prediction column of its own, evaluate still predicts (into a column of Spark's naming)
    DownhillClassificationModel unnamed = model.copy(new ParamMap()).setPredictionCol("");
    DownhillClassificationSummary again = unnamed.evaluate(test);
    assertFalse(again.predictionCol().isEmpty());
    assertEquals(e.accuracy(), again.accuracy(), 0.0);
  }
}
