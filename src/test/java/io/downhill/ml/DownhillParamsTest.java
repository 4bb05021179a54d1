package io.downhill.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.model.ModelFiles;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.testing.TestSpark;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingSettings;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
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
 * The Spark ML half of the settings schema: every setting shown in Spark ML is a Param of the
 * estimator and of the fitted model, with the setting's name, default, doc and validator, a getter
 * and a setter; string values are normalized however they arrive; the fitted model (a tuning run's
 * best one too) keeps the values it was trained with, and a model saved before it had them loads.
 */
class DownhillParamsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Setting<?>> ML =
      TrainingSettings.ALL.stream().filter(s -> s.shownIn(Setting.Front.ML)).toList();
  private static Dataset<Row> data;

  /** Three well separated classes in 4 features, 240 rows. */
  @BeforeAll
  static void data() {
    SplittableRandom rng = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      int y = i % 3;
      double[] x = new double[4];
      for (int j = 0; j < x.length; j++) {
        x[j] = (j % 3 == y ? 2.0 : 0.0) + rng.nextGaussian();
      }
      rows.add(RowFactory.create((double) y, Vectors.dense(x)));
    }
    data = TestSpark.session().createDataFrame(rows, new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)})).cache();
  }

  private static DownhillClassifier small() {
    return new DownhillClassifier().setEpochs(2).setBatchSize(32).setNumPartitions(2).setSeed(5);
  }

  private static String capitalized(Setting<?> s) {
    return Character.toUpperCase(s.name().charAt(0)) + s.name().substring(1);
  }

  private static Class<?> javaType(Setting<?> s) {
    Class<?> t = s.type();
    return t == Double.class ? double.class : t == Integer.class ? int.class : t == Long.class ? long.class
        : t == Boolean.class ? boolean.class : t == List.class ? int[].class : String.class;
  }

  /**
   * A value of {@code s} as its Param holds it: valid and not the default, or invalid (for a free
   * text that is any string, null). Null where there is none (any long is a seed).
   */
  private static Object first(Setting<?> s, boolean valid) {
    List<Object> candidates = new ArrayList<>();
    if (s.choices() != null) {
      candidates.addAll(valid ? s.choices() : List.of("no-such-" + s.name()));
    } else if (s.type() == Double.class) {
      candidates.addAll(valid ? List.of(0.5, 2.0, 0.05) : List.of(-1.0, Double.NaN, Double.POSITIVE_INFINITY, 2.0));
    } else if (s.type() == Integer.class) {
      candidates.addAll(valid ? List.of(3, 5) : List.of(-1, 0));
    } else if (s.type() == Long.class) {
      candidates.addAll(valid ? List.of(7L) : List.of());
    } else if (s.type() == Boolean.class) {
      candidates.addAll(valid ? List.of(true, false) : List.of());
    } else if (s.type() == List.class) {
      candidates.add(valid ? List.of(7, 3) : List.of(4, 0));
    } else {
      candidates.addAll(valid ? List.of("2steps", "w") : Arrays.asList(" padded ", "often", null));
    }
    @SuppressWarnings("unchecked")
    Setting<Object> setting = (Setting<Object>) s;
    for (Object c : candidates) {
      if (setting.isValid(c) == valid && (!valid || !c.equals(setting.defaultFor(Setting.Front.ML)))) {
        return SettingParams.toParam(c);
      }
    }
    return null;
  }

  private static Object invoke(Object target, String method, Class<?>[] types, Object... args) throws Exception {
    Method m = target.getClass().getMethod(method, types);
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void everySparkMlSettingIsAParamWithItsDefaultDocValidatorGetterAndSetter() throws Exception {
    DownhillClassifier d = new DownhillClassifier();
    for (Setting<?> s : ML) {
      String name = s.name();
      assertTrue(d.hasParam(name), name);
      Param<Object> p = d.getParam(name);
      assertSame(d.param(s), p, name);
      Object expected = s.derivedDefault(SettingValues.defaults(Setting.Front.ML));
      if (s.isDerived()) { // depends on another Param: none of Spark's, the getter says what training takes
        assertFalse(d.hasDefault(p), name + " default");
      } else {
        assertEquals(expected, SettingParams.fromParam(d.getDefault(p).get()), name + " default");
      }
      assertTrue(p.doc().contains(s.doc(n -> n)), name + " doc: " + p.doc()); // mentions by Param name
      assertFalse(p.doc().contains("{"), name + " doc: " + p.doc());

      Object got = invoke(d, "get" + capitalized(s), new Class<?>[0]);
      assertEquals(expected, SettingParams.fromParam(got), name + " getter");
      Object value = first(s, true);
      assertNotNull(value, name + ": a valid value other than the default");
      Object returned = invoke(d, "set" + capitalized(s), new Class<?>[] {javaType(s)}, value);
      assertSame(d, returned, name + " setter returns the estimator");
      assertEquals(SettingParams.fromParam(value),
          SettingParams.fromParam(invoke(d, "get" + capitalized(s), new Class<?>[0])), name + " round trip");

      Object bad = first(s, false);
      if (bad != null || s.type() == String.class) {
        assertThrows(IllegalArgumentException.class, () -> new ParamMap().put(p, bad), name + " refuses " + bad);
        assertThrows(IllegalArgumentException.class, () -> invoke(d, "set" + capitalized(s),
            new Class<?>[] {javaType(s)}, bad), name + " setter refuses " + bad);
      }
    }
    // the Params Spark lists are these and a probabilistic classifier's own, nothing else
    assertEquals(List.of("featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol",
        "thresholds"), Arrays.stream(d.params()).map(Param::name).filter(n -> TrainingSettings.named(n) == null)
        .toList());
  }

  @Test
  void trainingConfigOfTheDefaultsIsTheSchemasAndSetValuesReachIt() {
    assertEquals(TrainingConfig.from(SettingValues.defaults(Setting.Front.ML)),
        new DownhillClassifier().trainingConfig());
    TrainingConfig c = new DownhillClassifier().setModelType("MLP").setHiddenLayers(new int[] {8, 4})
        .setOptimizer("Adam").setLearningRate(0.02).setAbortFactor(4).trainingConfig();
    assertEquals(List.of(8, 4), c.model().hidden());
    assertEquals("softmax", c.loss());
    assertEquals("adam", c.optimizer().name());
    assertEquals(0.02, c.learningRate());
    assertEquals(4.0, c.abortFactor());
    assertEquals("gd", new DownhillClassifier().setAlgorithm("gd").trainingConfig().optimizer().name());
  }

  @Test
  void theLearningRatesDefaultFollowsTheOptimizerAndAutoPicksOneAtFit() {
    DownhillClassifier d = new DownhillClassifier();
    assertEquals(0.1, d.getLearningRate());
    assertEquals(1e-3, d.setOptimizer("adam").getLearningRate(), "Adam's own rate");
    assertEquals(2e-3, d.copy(new ParamMap().put(d.optimizer(), "nadam")).getLearningRate(), "also in a copy");
    assertFalse(d.isDefined(d.learningRate()));
    assertTrue(d.explainParams().contains("learningRate"));
    assertEquals(1e-3, d.trainingConfig().learningRate());
    assertEquals(0.05, d.setLearningRate(0.05).getLearningRate(), "a rate set wins");

    DownhillClassificationModel byDefault = small().setOptimizer("adam").fit(data);
    assertEquals(1e-3, byDefault.summary().get("lr").asDouble());
    assertEquals("adam's default", byDefault.summary().get("lr_source").asText());
    assertEquals(1e-3, byDefault.getLearningRate(), "the fitted model says the rate it was trained at");

    DownhillClassificationModel auto = small().setLearningRate(0).fit(data);
    assertEquals("auto", auto.summary().get("lr_source").asText());
    double picked = auto.summary().get("lr").asDouble();
    assertTrue(picked >= 1e-5 && picked <= 10, "one of the sweep's rates: " + picked);
    assertTrue(auto.summary().get("lr_auto").asText().startsWith("lr auto: "), auto.summary().toString());
  }

  @Test
  void settingErrorsNameParamsNotFlags() {
    BadInputException hidden = assertThrows(BadInputException.class,
        () -> new DownhillClassifier().setHiddenLayers(new int[] {8}).trainingConfig());
    assertEquals("DownhillClassifier hiddenLayers: hidden layers on a linear model: expected modelType mlp "
        + "hiddenLayers ..., found modelType softmax", hidden.getMessage());
    BadInputException atFit = assertThrows(BadInputException.class,
        () -> small().setAlgorithm("gd").setOptimizer("adam").fit(data));
    assertEquals("DownhillClassifier optimizer: an update rule with algorithm gd: expected sgd (or no optimizer), "
        + "found optimizer adam", atFit.getMessage());
  }

  @Test
  void theAlgorithmsOfTheCommandLineFitToo() {
    DownhillClassificationModel gd = small().setAlgorithm("GD").setTol(0).setLineSearch("none").fit(data);
    assertEquals(2, gd.summary().epochs());
    assertEquals("gd", gd.getAlgorithm());
    DownhillClassificationModel search = small().setAlgorithm("random-search").setTrials(3).fit(data);
    assertEquals(3, search.getTrials());
    assertEquals(3, search.numClasses());
  }

  @Test
  void stringValuesAreNormalizedHoweverTheyArrive() {
    DownhillClassifier d = small().setOptimizer("ADAM").setActivation("Leaky");
    assertEquals("adam", d.getOptimizer());
    assertEquals("leaky-relu", d.getActivation());
    assertEquals("adam", d.extractParamMap().apply(d.optimizer()));

    ParamMap extra = new ParamMap().put(d.optimizer(), "MomenTum").put(d.schedule(), " Cosine ");
    DownhillClassifier copy = d.copy(extra);
    assertEquals("momentum", copy.extractParamMap().apply(copy.optimizer()));
    assertEquals("cosine", copy.getSchedule());
    assertEquals("MomenTum", extra.apply(d.optimizer()), "the caller's map is left as it is");

    DownhillClassificationModel fitted = d.fit(data, new ParamMap().put(d.optimizer(), "RMSPROP"));
    assertEquals("rmsprop", fitted.getOptimizer());
    assertEquals("\"rmsprop\"", fitted.summary().get("settings").get("optimizer").asText());
    assertEquals("leaky-relu", fitted.getActivation());
  }

  @Test
  void aTuningRunsBestModelSaysWhichGridPointWon() {
    DownhillClassifier d = small().setSchedule("constant");
    ParamMap[] lr = new ParamGridBuilder().addGrid(d.learningRate(), new double[] {1e-6, 0.5}).build();
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    CrossValidatorModel cv = new CrossValidator().setEstimator(d).setEstimatorParamMaps(lr).setEvaluator(accuracy)
        .setNumFolds(2).setSeed(1).fit(data);
    assertTrue(cv.avgMetrics()[1] > cv.avgMetrics()[0] + 0.2, Arrays.toString(cv.avgMetrics()));
    DownhillClassificationModel best = (DownhillClassificationModel) cv.bestModel();
    assertEquals(0.5, best.extractParamMap().apply(best.getParam("learningRate")));
    assertEquals(0.5, best.getLearningRate());
    assertEquals("constant", best.getSchedule(), "the estimator's own values too");
    assertEquals(32, best.getBatchSize());
    assertEquals(0.8, best.getLrDecay(), "and its defaults");

    ParamMap[] optimizers = new ParamGridBuilder().addGrid(d.optimizer(),
        scala.jdk.javaapi.CollectionConverters.asScala(List.of("SGD", "AdaGrad"))).build();
    TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(d).setEstimatorParamMaps(optimizers)
        .setEvaluator(accuracy).setTrainRatio(0.75).setSeed(1).fit(data);
    DownhillClassificationModel bestOptimizer = (DownhillClassificationModel) tvs.bestModel();
    Object name = bestOptimizer.extractParamMap().apply(bestOptimizer.getParam("optimizer"));
    assertTrue(name.equals("sgd") || name.equals("adagrad"), "normalized: " + name);
  }

  @Test
  void theModelHasTheEstimatorsParamsAndSavesThem(@TempDir Path dir) throws Exception {
    DownhillClassifier d = small().setLearningRate(0.3).setModelType("mlp").setHiddenLayers(new int[] {6});
    DownhillClassificationModel m = d.fit(data);
    for (Setting<?> s : ML) {
      assertTrue(m.hasParam(s.name()), s.name());
      assertEquals(d.param(s).doc(), m.param(s).doc(), s.name());
      assertEquals(SettingParams.fromParam(invoke(d, "get" + capitalized(s), new Class<?>[0])),
          SettingParams.fromParam(invoke(m, "get" + capitalized(s), new Class<?>[0])), s.name() + " copied at fit");
    }
    assertArrayEquals(new int[] {6}, m.getHiddenLayers());
    assertEquals(m.getLearningRate(), m.copy(new ParamMap()).getLearningRate());

    String path = dir.resolve("model").toString();
    m.write().save(path);
    DownhillClassificationModel loaded = DownhillClassificationModel.load(path);
    assertEquals(0.3, loaded.getLearningRate());
    assertEquals("mlp", loaded.getModelType());
    assertArrayEquals(new int[] {6}, loaded.getHiddenLayers());
  }

  /**
   * A model saved before the model had the training Params: its metadata has Spark's own only (and
   * its data row a manifest of that metadata). It loads, with the defaults, and predicts the same.
   */
  @Test
  void aModelSavedBeforeItHadTheTrainingParamsLoads(@TempDir Path dir) throws Exception {
    DownhillClassificationModel m = small().setLearningRate(0.3).fit(data);
    Path path = dir.resolve("old");
    m.write().save(path.toString());
    Path meta;
    try (var files = Files.list(path.resolve("metadata"))) {
      meta = files.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
    }
    ObjectNode json = (ObjectNode) JSON.readTree(Files.readString(meta));
    for (String section : List.of("paramMap", "defaultParamMap")) {
      ML.forEach(s -> ((ObjectNode) json.get(section)).remove(s.name()));
    }
    assertFalse(json.toString().contains("learningRate"));
    Files.writeString(meta, JSON.writeValueAsString(json) + "\n");
    Files.deleteIfExists(meta.resolveSibling("." + meta.getFileName() + ".crc"));
    ModelFiles.save(path.toString(), m.saved(), TestSpark.session().sparkContext().hadoopConfiguration());

    DownhillClassificationModel old = DownhillClassificationModel.load(path.toString());
    assertEquals(0.1, old.getLearningRate(), "unknown: the default for Spark ML");
    assertArrayEquals(m.weights(), old.weights(), 0.0);
    List<Row> a = m.transform(data).select("rawPrediction").collectAsList();
    List<Row> b = old.transform(data).select("rawPrediction").collectAsList();
    assertEquals(a, b);
    assertNotEquals(0, a.size());
  }
}
