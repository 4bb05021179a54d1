package io.downhill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.FeatureHasher;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Raw categorical and text columns hashed by MLlib ({@link FeatureHasher}, {@link Tokenizer} +
 * {@link HashingTF}) into 2^15 sparse columns, then DownhillClassifier, in one Pipeline: the
 * assembled sparse vectors are cached as CSR, the model learns the planted labels about as well as
 * Spark's LogisticRegression in the same pipeline, and the fitted PipelineModel predicts from the
 * raw columns.
 */
class HashedFeaturesTest {
  private static final String[] CATEGORIES = {"country", "device", "campaign", "site"};

  /**
   * Each category value and each word has a planted weight per class (from a hash); the label is
   * the class with the largest summed weight plus a little noise.
   */
  private static Dataset<Row> raw(SparkSession spark, int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      Object[] v = new Object[CATEGORIES.length + 2];
      double[] score = new double[3];
      for (int c = 0; c < CATEGORIES.length; c++) {
        String value = CATEGORIES[c].charAt(0) + Integer.toString((int) (60 * Math.pow(rng.nextDouble(), 2)));
        v[c + 1] = value;
        add(score, CATEGORIES[c] + "=" + value);
      }
      StringBuilder text = new StringBuilder();
      for (int w = 0; w < 8; w++) {
        String word = "w" + (int) (300 * Math.pow(rng.nextDouble(), 2));
        text.append(w == 0 ? "" : " ").append(word);
        add(score, word);
      }
      v[CATEGORIES.length + 1] = text.toString();
      int label = 0;
      for (int k = 1; k < 3; k++) {
        label = score[k] + 0.3 * rng.nextGaussian() > score[label] ? k : label;
      }
      v[0] = (double) label;
      list.add(RowFactory.create(v));
    }
    List<StructField> fields = new ArrayList<>(List.of(DataTypes.createStructField("label", DataTypes.DoubleType, false)));
    for (String c : CATEGORIES) {
      fields.add(DataTypes.createStructField(c, DataTypes.StringType, false));
    }
    fields.add(DataTypes.createStructField("text", DataTypes.StringType, false));
    return spark.createDataFrame(list, new StructType(fields.toArray(new StructField[0])));
  }

  private static void add(double[] score, String token) {
    SplittableRandom w = new SplittableRandom(token.hashCode() * 0x9E3779B97F4A7C15L);
    for (int k = 0; k < score.length; k++) {
      score[k] += w.nextGaussian();
    }
  }

  private static PipelineModel fit(Dataset<Row> train, PipelineStage classifier) {
    return new Pipeline().setStages(new PipelineStage[] {
        new Tokenizer().setInputCol("text").setOutputCol("words"),
        new HashingTF().setInputCol("words").setOutputCol("tf").setNumFeatures(1 << 14).setBinary(true),
        new FeatureHasher().setInputCols(CATEGORIES).setOutputCol("categories").setNumFeatures(1 << 14),
        new VectorAssembler().setInputCols(new String[] {"tf", "categories"}).setOutputCol("features"),
        classifier}).fit(train);
  }

  @Test
  void hashedCategoricalAndTextColumnsTrainThroughAPipeline() {
    SparkSession spark = TestSpark.session();
    Dataset<Row> train = raw(spark, 8000, 1).cache();
    Dataset<Row> test = raw(spark, 2000, 2).cache();
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");

    PipelineModel downhill = fit(train, new DownhillClassifier().setOptimizer("adagrad").setLearningRate(0.3)
        .setBatchSize(256).setEpochs(8).setRegParam(1e-5).setNumPartitions(2).setSeed(4));
    DownhillClassificationModel model = (DownhillClassificationModel) downhill.stages()[4];
    assertEquals(1 << 15, model.numFeatures());
    assertEquals("csr", model.summary().get("cache").get("storage").asText(), "sparse vectors cached as CSR");
    Dataset<Row> predicted = downhill.transform(test);
    assertTrue(predicted.select("features").first().get(0) instanceof SparseVector);
    double ours = accuracy.evaluate(predicted);

    double theirs = accuracy.evaluate(fit(train, new LogisticRegression().setMaxIter(100).setRegParam(1e-3))
        .transform(test));
    System.out.printf("hashed features: Downhill test accuracy %.4f, LogisticRegression %.4f%n", ours, theirs);
    assertTrue(ours > 0.8, "Downhill test accuracy " + ours);
    assertTrue(ours > theirs - 0.03, "Downhill " + ours + " against LogisticRegression " + theirs);
    train.unpersist();
    test.unpersist();
  }
}
