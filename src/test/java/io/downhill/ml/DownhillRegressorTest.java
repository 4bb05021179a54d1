package io.downhill.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.settings.Setting;
import io.downhill.shard.Split;
import io.downhill.testing.TestSpark;
import io.downhill.train.TrainingSettings;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DownhillRegressor through Spark ML's public API: in a Pipeline after VectorAssembler and
 * StandardScaler, fitted, saved and loaded with identical predictions; on a linear regression with a
 * known truth its R² clears a floor, its coefficients approach the truth and agree with Spark ML's
 * LinearRegression (no regularization) on the same rows; its Params are the classifier's, the loss
 * fixed to squared.
 */
class DownhillRegressorTest {
  private static final String[] RAW = {"c0", "c1", "c2", "c3"};
  /** The truth: y = W·z + B + NOISE·ε over standard normal z (the raw columns are z times SCALE). */
  private static final double[] W = {2.0, -1.0, 0.5, 3.0};
  private static final double B = 4.0;
  private static final double NOISE = 0.1;
  private static final double[] SCALE = {1, 100, 0.01, 10};
  private static SparkSession spark;
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  private static Dataset<Row> rows(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object[] v = new Object[RAW.length + 1];
      double y = B;
      for (int j = 0; j < RAW.length; j++) {
        double z = rng.nextGaussian();
        y += W[j] * z;
        v[j + 1] = SCALE[j] * z;
      }
      v[0] = y + NOISE * rng.nextGaussian();
      list.add(RowFactory.create(v));
    }
    return TestSpark.labelledDoubles(list, RAW);
  }

  @BeforeAll
  static void data() {
    spark = TestSpark.session();
    train = rows(4000, 1).cache();
    test = rows(1000, 2).cache();
  }

  private static DownhillRegressor linear() {
    return new DownhillRegressor().setLearningRate(0.05).setSchedule("constant").setBatchSize(64).setEpochs(6)
        .setNumPartitions(2).setSeed(3);
  }

  private static double metric(String name, Dataset<Row> predictions) {
    return new RegressionEvaluator().setMetricName(name).evaluate(predictions);
  }

  @Test
  void inAPipelineItFitsAndASavedPipelinePredictsIdentically(@TempDir Path dir) throws Exception {
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(RAW).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true).setWithStd(true),
        linear().setValidationFraction(0.1)}).fit(train);
    Dataset<Row> predicted = fitted.transform(test);
    double r2 = metric("r2", predicted);
    assertTrue(r2 > 0.99, "R² " + r2);
    assertTrue(metric("rmse", predicted) < 2 * NOISE, "RMSE " + metric("rmse", predicted));

    DownhillRegressionModel model = (DownhillRegressionModel) fitted.stages()[2];
    assertEquals(RAW.length, model.numFeatures());
    assertEquals("squared", model.getModelType());
    assertEquals("squared", model.lossName());
    DownhillTrainingSummary summary = model.summary();
    assertEquals(6, summary.epochs());
    assertTrue(summary.r2(Split.VALIDATION)[5] > 0.99, summary.json());
    assertTrue(summary.rmse(Split.TRAIN)[5] < summary.rmse(Split.TRAIN)[0], summary.json());
    assertTrue(Double.isNaN(summary.accuracy(Split.TRAIN)[0]), "no accuracy for regression");
    assertEquals(0, summary.get("data_identity").get("classes").asInt());

    String path = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    DownhillRegressionModel again = (DownhillRegressionModel) loaded.stages()[2];
    assertArrayEquals(model.weights(), again.weights(), 0.0);
    assertEquals(summary.json(), again.summary().json());
    assertEquals(model.getLearningRate(), again.getLearningRate());
    List<Row> a = predicted.select("prediction").collectAsList();
    List<Row> b = loaded.transform(test).select("prediction").collectAsList();
    assertEquals(a, b, "identical predictions after save and load");

    String alone = dir.resolve("alone").toString();
    model.write().overwrite().save(alone);
    assertArrayEquals(model.weights(), DownhillRegressionModel.load(alone).weights(), 0.0);
    // a warm start from the saved regression model: its θ, one more epoch already at the noise level
    Dataset<Row> scaled = fitted.stages()[1].transform(fitted.stages()[0].transform(train));
    DownhillRegressionModel warm = linear().setEpochs(1).setInitialModel(alone).fit(scaled);
    assertEquals(alone, warm.summary().get("init_model").get("path").asText().replaceFirst("^file:", ""));
    assertTrue(warm.summary().rmse(Split.TRAIN)[0] < 2 * NOISE, warm.summary().json());

    String estimator = dir.resolve("estimator").toString();
    linear().setModelType("MLP").setHiddenLayers(new int[] {8}).write().overwrite().save(estimator);
    DownhillRegressor read = DownhillRegressor.load(estimator);
    assertEquals("mlp", read.getModelType());
    assertArrayEquals(new int[] {8}, read.getHiddenLayers());
  }

  @Test
  void onAKnownLinearTruthItApproachesTheCoefficientsAndAgreesWithSparkLinearRegression() {
    Dataset<Row> features = new VectorAssembler().setInputCols(RAW).setOutputCol("raw").transform(train);
    Dataset<Row> scaled = new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(false)
        .setWithStd(true).fit(features).transform(features).cache();
    DownhillRegressionModel downhill = linear().fit(scaled);
    LinearRegressionModel spark = new LinearRegression().setRegParam(0).setElasticNetParam(0).fit(scaled);
    double[] theta = downhill.weights(); // linear: W (d x 1), then b
    double[] sparkW = spark.coefficients().toArray();
    for (int j = 0; j < RAW.length; j++) {
      // the scaler divides raw = SCALE[j]·z by its sample deviation ≈ SCALE[j], so the coefficient is ≈ W[j] (±1%)
      assertEquals(sparkW[j], theta[j], 0.01, "coefficient " + j + " against Spark's least squares");
      assertEquals(W[j], theta[j], 0.1, "coefficient " + j + " against the truth");
    }
    assertEquals(spark.intercept(), theta[RAW.length], 0.01, "intercept against Spark's");
    assertEquals(B, theta[RAW.length], 0.05, "intercept against the truth");
    Dataset<Row> testScaled = new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(false)
        .setWithStd(true).fit(features).transform(new VectorAssembler().setInputCols(RAW).setOutputCol("raw")
            .transform(test));
    double ours = metric("rmse", downhill.transform(testScaled));
    double theirs = metric("rmse", spark.transform(testScaled));
    assertEquals(theirs, ours, 0.02 * theirs, "test RMSE within 2% of Spark's LinearRegression");
    assertTrue(metric("r2", downhill.transform(testScaled)) > 0.99);
  }

  @Test
  void aNanLabelIsBadInputNamingTheRow() {
    Dataset<Row> bad = train.limit(50).union(train.limit(1).withColumn("label",
        org.apache.spark.sql.functions.lit(Double.NaN)));
    Dataset<Row> features = new VectorAssembler().setInputCols(RAW).setOutputCol("features").transform(bad);
    BadInputException e = assertThrows(BadInputException.class, () -> linear().setNumPartitions(1).fit(features));
    assertTrue(e.getMessage().contains("row 50: label is not finite: expected finite real-valued labels, found NaN"),
        e.getMessage());
  }

  @Test
  void itsParamsAreTheClassifiersWithTheLossFixedToSquared() throws Exception {
    DownhillRegressor r = new DownhillRegressor();
    for (Setting<?> s : SettingParams.ML) {
      assertSame(r.param(s), r.getParam(s.name()), s.name());
      String setter = "set" + Character.toUpperCase(s.name().charAt(0)) + s.name().substring(1);
      Method m = Arrays.stream(DownhillRegressor.class.getMethods()).filter(x -> x.getName().equals(setter))
          .findFirst().orElse(null);
      assertNotNull(m, "every setting of the schema has a setter on the regressor too: " + setter);
      assertEquals(DownhillRegressor.class, m.getReturnType(), setter);
      Method classifiers = Arrays.stream(DownhillClassifier.class.getMethods()).filter(x -> x.getName().equals(setter))
          .findFirst().orElseThrow();
      assertArrayEquals(classifiers.getParameterTypes(), m.getParameterTypes(), setter + " takes the classifier's type");
    }
    assertEquals("squared", r.getModelType());
    assertEquals("squared", r.getLoss());
    assertEquals("squared", r.trainingConfig().loss());
    assertTrue(r.trainingConfig().model().isLinear());
    assertEquals(List.of(16), r.setModelType("mlp").setHiddenLayers(new int[] {16}).trainingConfig().model().hidden());
    assertEquals("squared", r.trainingConfig().loss());
    BadInputException type = assertThrows(BadInputException.class,
        () -> new DownhillRegressor().setModelType("softmax").trainingConfig());
    assertEquals("DownhillRegressor modelType: a classifier's model on a regressor: expected squared (linear least "
        + "squares) or mlp, found softmax", type.getMessage());
    BadInputException loss = assertThrows(BadInputException.class,
        () -> new DownhillRegressor().setLoss("svm").trainingConfig());
    assertTrue(loss.getMessage().startsWith("DownhillRegressor loss: a classification loss on a regressor"),
        loss.getMessage());
    BadInputException stopping = assertThrows(BadInputException.class,
        () -> new DownhillRegressor().setEarlyStopping("val_accuracy").setValidationFraction(0.1).trainingConfig());
    assertTrue(stopping.getMessage().contains("val_loss or val_rmse"), stopping.getMessage());
    assertEquals(List.of("featuresCol", "labelCol", "predictionCol"), Arrays.stream(r.params()).map(Param::name)
        .filter(n -> TrainingSettings.named(n) == null).toList());
  }
}
