package io.downhill.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.shard.Split;
import io.downhill.spark.Version;
import io.downhill.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DownhillClassifier used from Java through Spark ML's public API only: as a Pipeline stage after
 * VectorAssembler and StandardScaler, under CrossValidator (2x2 grid) and TrainValidationSplit
 * with Spark's evaluator, saved and loaded alone and inside a PipelineModel with identical
 * predictions, weightCol honoured, and Param validation messages.
 */
class DownhillClassifierTest {
  private static final int CLASSES = 3;
  private static final String[] RAW = {"c0", "c1", "c2", "c3", "c4", "c5"};
  private static SparkSession spark;
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  /** Three Gaussian classes in 6 raw columns of very different scales (what StandardScaler is for). */
  private static Dataset<Row> blobs(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] scale = {1, 10, 100, 0.1, 1000, 1};
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int y = i % CLASSES;
      Object[] v = new Object[RAW.length + 1];
      v[0] = (double) y;
      for (int j = 0; j < RAW.length; j++) {
        double center = (j % CLASSES == y) ? 1.5 : 0.0;
        v[j + 1] = scale[j] * (center + rng.nextGaussian());
      }
      list.add(RowFactory.create(v));
    }
    return TestSpark.labelledDoubles(list, RAW);
  }

  @BeforeAll
  static void data() {
    spark = TestSpark.session();
    train = blobs(3000, 1).cache();
    test = blobs(900, 2).cache();
  }

  private static Pipeline pipeline(DownhillClassifier downhill) {
    return new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(RAW).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true).setWithStd(true),
        downhill});
  }

  private static double accuracy(Dataset<Row> predictions) {
    return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
  }

  @Test
  void inAPipelineItLearnsAndSavedModelsPredictIdentically(@TempDir Path dir) throws Exception {
    DownhillClassifier mlp = new DownhillClassifier().setModelType("mlp").setHiddenLayers(new int[] {16})
        .setOptimizer("adam").setLearningRate(0.01).setEpochs(4).setBatchSize(64).setNumPartitions(2).setSeed(3)
        .setValidationFraction(0.1);
    PipelineModel fitted = pipeline(mlp).fit(train);
    Dataset<Row> predicted = fitted.transform(test);
    assertTrue(List.of(predicted.columns()).containsAll(List.of("rawPrediction", "probability", "prediction")));
    double acc = accuracy(predicted);
    assertTrue(acc > 0.85, "pipeline accuracy " + acc);

    DownhillClassificationModel model = (DownhillClassificationModel) fitted.stages()[2];
    assertEquals(CLASSES, model.numClasses());
    assertEquals(RAW.length, model.numFeatures());
    DownhillTrainingSummary summary = model.summary();
    assertEquals(4, summary.epochs());
    assertEquals(4, summary.accuracy(Split.VALIDATION).length);
    assertTrue(summary.accuracy(Split.TRAIN)[3] > 0.85, summary.json());
    assertEquals(Version.SPARK_BUILT, summary.get("spark_version").asText()); // the pom's one pin, at run time too
    assertEquals(16, summary.get("data_identity").get("fingerprint").asText().length());
    assertEquals("adam", summary.get("settings").get("optimizer").asText().replace("\"", ""));

    // the whole PipelineModel
    String pipePath = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(pipePath);
    fitted.write().overwrite().save(pipePath); // overwrite works
    PipelineModel loaded = PipelineModel.load(pipePath);
    assertSamePredictions(predicted, loaded.transform(test));
    DownhillClassificationModel loadedModel = (DownhillClassificationModel) loaded.stages()[2];
    assertArrayEquals(model.weights(), loadedModel.weights(), 0.0);
    assertEquals(summary.json(), loadedModel.summary().json());
    assertEquals(model.uid(), loadedModel.uid());

    // the model alone, and the unfitted estimator
    String modelPath = dir.resolve("model").toString();
    model.write().save(modelPath);
    assertThrows(java.io.IOException.class, () -> model.write().save(modelPath), "no overwrite without overwrite()");
    DownhillClassificationModel alone = DownhillClassificationModel.load(modelPath);
    Dataset<Row> scaled = new PipelineModel("pre", List.of(fitted.stages()[0], fitted.stages()[1])).transform(test);
    assertSamePredictions(model.transform(scaled), alone.transform(scaled));
    assertEquals("features", alone.getFeaturesCol());
    Row data = spark.read().parquet(modelPath + "/data").first(); // the data is plain Parquet to Spark
    assertEquals(model.weights().length, data.getList(data.fieldIndex("theta")).size());
    assertEquals(List.of("0", "1", "2"), data.getList(data.fieldIndex("class_names")));
    assertEquals("adam", summary.get("settings").get("optimizer").asText().replace("\"", ""));
    String estimatorPath = dir.resolve("estimator").toString();
    mlp.write().save(estimatorPath);
    DownhillClassifier again = DownhillClassifier.load(estimatorPath);
    assertEquals(0.01, again.getOrDefault(again.learningRate()));
    assertArrayEquals(new int[] {16}, (int[]) again.getOrDefault(again.hiddenLayers()));
  }

  private static void assertSamePredictions(Dataset<Row> a, Dataset<Row> b) {
    List<Row> x = a.select("prediction", "probability", "rawPrediction").collectAsList();
    List<Row> y = b.select("prediction", "probability", "rawPrediction").collectAsList();
    assertEquals(x.size(), y.size());
    for (int i = 0; i < x.size(); i++) {
      assertEquals(x.get(i).getDouble(0), y.get(i).getDouble(0), 0.0, "row " + i);
      assertArrayEquals(((Vector) x.get(i).get(1)).toArray(), ((Vector) y.get(i).get(1)).toArray(), 0.0, "row " + i);
      assertArrayEquals(((Vector) x.get(i).get(2)).toArray(), ((Vector) y.get(i).get(2)).toArray(), 0.0, "row " + i);
    }
  }

  @Test
  void crossValidatorPicksTheSensibleCornerOfA2x2Grid() {
    // the step schedule the grid was made for: with the cosine default, λ 3 scores as well as 1e-4 on these
    // easy blobs (0.875 against 0.873), so the grid would have no wrong corner to avoid
    DownhillClassifier softmax = new DownhillClassifier().setEpochs(2).setBatchSize(64).setNumPartitions(2)
        .setSchedule("step");
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(softmax.learningRate(), new double[] {1e-5, 0.1})
        .addGrid(softmax.regParam(), new double[] {1e-4, 3.0})
        .build();
    assertEquals(4, grid.length);
    CrossValidator cv = new CrossValidator().setEstimator(pipeline(softmax)).setEstimatorParamMaps(grid)
        .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setNumFolds(2).setSeed(5);
    CrossValidatorModel cvModel = cv.fit(train);
    double[] metrics = cvModel.avgMetrics();
    int best = 0;
    for (int i = 1; i < metrics.length; i++) {
      best = metrics[i] > metrics[best] ? i : best;
    }
    assertEquals(0.1, grid[best].apply(softmax.learningRate()), "grid " + java.util.Arrays.toString(metrics));
    assertEquals(1e-4, grid[best].apply(softmax.regParam()), "grid " + java.util.Arrays.toString(metrics));
    assertTrue(accuracy(cvModel.transform(test)) > 0.85);

    TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(pipeline(softmax))
        .setEstimatorParamMaps(grid).setEvaluator(new MulticlassClassificationEvaluator()).setTrainRatio(0.75)
        .setSeed(5).fit(train);
    assertTrue(accuracy(tvs.transform(test)) > 0.85);
  }

  @Test
  void itTakesMllibPcaOutputInAPipeline() {
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(RAW).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("scaled").setWithMean(true).setWithStd(true),
        new org.apache.spark.ml.feature.PCA().setInputCol("scaled").setOutputCol("pcs").setK(4),
        new DownhillClassifier().setModelType("svm").setFeaturesCol("pcs").setEpochs(2).setBatchSize(64)
            .setNumPartitions(2)}).fit(train);
    DownhillClassificationModel model = (DownhillClassificationModel) fitted.stages()[3];
    assertEquals(4, model.numFeatures());
    assertEquals("svm", model.lossName());
    double acc = accuracy(fitted.transform(test));
    assertTrue(acc > 0.85, "accuracy on 4 principal components " + acc);
  }

  @Test
  void weightColIsHonoured() {
    Dataset<Row> weighted = train.withColumn("w", when(col("label").equalTo(2.0), lit(0.0)).otherwise(lit(1.0)));
    Dataset<Row> unit = train.withColumn("w", lit(1.0));
    DownhillClassifier base = new DownhillClassifier().setEpochs(2).setBatchSize(64).setNumPartitions(2).setSeed(9);
    PipelineModel plain = pipeline(base.copy(new ParamMap())).fit(train);
    PipelineModel ones = pipeline(base.copy(new ParamMap()).setWeightCol("w")).fit(unit);
    assertArrayEquals(((DownhillClassificationModel) plain.stages()[2]).weights(),
        ((DownhillClassificationModel) ones.stages()[2]).weights(), 0.0, "weights of 1 change nothing");
    PipelineModel zero = pipeline(base.copy(new ParamMap()).setWeightCol("w")).fit(weighted);
    long class2 = zero.transform(test).where(col("prediction").equalTo(2.0)).count();
    long class2Plain = plain.transform(test).where(col("prediction").equalTo(2.0)).count();
    assertTrue(class2Plain > 250 && class2 < 30, "class 2 predicted " + class2Plain + " times unweighted, " + class2
        + " times when its rows weigh 0");
  }

  @Test
  void paramsAreValidatedWhenSetWithMessagesThatSayWhatIsAllowed() {
    DownhillClassifier d = new DownhillClassifier();
    IllegalArgumentException lr = assertThrows(IllegalArgumentException.class, () -> d.setLearningRate(-1));
    assertEquals("DownhillClassifier parameter learningRate: invalid value -1.0; allowed: a finite number > 0, or auto (0)",
        lr.getMessage());
    IllegalArgumentException opt = assertThrows(IllegalArgumentException.class, () -> d.setOptimizer("lbfgs"));
    assertTrue(opt.getMessage().contains("allowed: one of " + String.join(", ", io.downhill.optim.OptimizerConfig.names())),
        opt.getMessage());
    IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class,
        () -> d.setHiddenLayers(new int[] {64, 0}));
    assertTrue(hidden.getMessage().contains("invalid value [64, 0]"), hidden.getMessage());
    assertThrows(IllegalArgumentException.class, () -> d.setMomentum(1.0));
    assertThrows(IllegalArgumentException.class, () -> d.setBatchSize(-1)); // 0 is auto
    assertThrows(IllegalArgumentException.class, () -> d.setCheckpointEvery("often"));
    assertThrows(IllegalArgumentException.class, () -> d.setValidationFraction(Double.NaN));
    // through a param grid too
    assertThrows(IllegalArgumentException.class,
        () -> new ParamGridBuilder().addGrid(d.epochs(), new int[] {5, -1}).build());
    // settings that clash are refused at fit
    DownhillClassifier clash = new DownhillClassifier().setModelType("softmax").setHiddenLayers(new int[] {8});
    Exception e = assertThrows(Exception.class, () -> pipeline(clash).fit(train));
    assertTrue(e.getMessage().contains("hidden layers on a linear model"), e.getMessage());
    assertFalse(d.explainParams().isEmpty());
  }

  @Test
  void aFitInterruptedMidwayResumesFromItsCheckpointToTheSameModel(@TempDir Path dir) throws Exception {
    Dataset<Row> scaled = new Pipeline().setStages(java.util.Arrays.copyOf(pipeline(null).getStages(), 2)).fit(train)
        .transform(train).cache(); // assembled and standardized once
    DownhillClassifier adam = new DownhillClassifier().setModelType("mlp").setHiddenLayers(new int[] {8})
        .setOptimizer("adam").setLearningRate(0.01).setEpochs(3).setBatchSize(32).setNumPartitions(2).setSeed(4);
    double[] uninterrupted = adam.fit(scaled).weights();

    String ck = dir.resolve("ck").toString();
    DownhillClassifier checkpointed = adam.copy(new ParamMap()).setCheckpointDir(ck).setCheckpointEvery("20");
    Thread fit = new Thread(() -> checkpointed.fit(scaled));
    Throwable[] failure = new Throwable[1];
    fit.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
    fit.start();
    // the driver "dies" once a checkpoint exists: every Spark job is cancelled until the fit gives up
    while (fit.isAlive()) {
      boolean saved;
      try (var s = java.nio.file.Files.list(dir.resolve("ck"))) {
        saved = s.anyMatch(p -> p.getFileName().toString().startsWith("checkpoint-"));
      } catch (java.io.IOException notYet) {
        saved = false;
      }
      if (saved) {
        spark.sparkContext().cancelAllJobs();
      }
      Thread.sleep(5);
    }
    assertTrue(failure[0] != null, "the fit was interrupted");
    assertTrue(java.nio.file.Files.list(dir.resolve("ck")).anyMatch(p -> p.getFileName().toString()
        .startsWith("checkpoint-")), "it left checkpoints");

    assertThrows(Exception.class, () -> checkpointed.fit(scaled), "a non-empty checkpointDir without resume");
    DownhillClassificationModel resumed = checkpointed.copy(new ParamMap()).setResume(true).fit(scaled);
    assertArrayEquals(uninterrupted, resumed.weights(), 0.0, "resumed fit equals the uninterrupted one");
    assertEquals(3, resumed.summary().epochs(), "the summary has every epoch, those before the interruption too");
  }
}
