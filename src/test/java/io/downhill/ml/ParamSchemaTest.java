package io.downhill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.settings.Setting;
import io.downhill.spark.Version;
import io.downhill.train.TrainingSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;

/**
 * The Param schema the Python package is generated from ({@link ParamSchema}): the one in the build
 * output is the current code's (the build wrote it), and it holds every Param of each estimator (the
 * classifier, and the regressor whose modelType and loss default to squared) with the Java doc and
 * default, the training settings with their choices and flags, and the versions.
 */
class ParamSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theBuildWroteTheCurrentSchemaIntoTheClasses() throws IOException {
    try (InputStream in = ParamSchema.class.getClassLoader().getResourceAsStream(ParamSchema.RESOURCE)) {
      assertTrue(in != null, ParamSchema.RESOURCE + " is not in the build output: Maven's process-classes writes it");
      assertEquals(ParamSchema.json(), new String(in.readAllBytes(), StandardCharsets.UTF_8),
          ParamSchema.RESOURCE + " is stale: rebuild with mvn (process-classes runs io.downhill.ml.ParamSchema)");
    }
  }

  @Test
  void everyParamIsThereWithItsDocDefaultAndSetting() throws IOException {
    JsonNode root = JSON.readTree(ParamSchema.json());
    assertEquals(Version.SPARK_BUILT, root.get("spark_version").asText());
    assertEquals(org.apache.spark.package$.MODULE$.SPARK_VERSION(), Version.SPARK_BUILT);
    assertEquals(2, root.get("estimators").size());
    JsonNode classifier = root.get("estimators").get(0);
    assertParams(classifier, new DownhillClassifier(), DownhillClassificationModel.class);
    assertEquals("double", type(classifier, "learningRate"));
    assertEquals("int[]", type(classifier, "hiddenLayers"));
    assertEquals("long", type(classifier, "seed"));
    assertEquals("double[]", type(classifier, "thresholds"));
    assertEquals("string", type(classifier, "featuresCol"));
  }

  @Test
  void theRegressorIsThereWithItsOwnDefaults() throws IOException {
    JsonNode regressor = JSON.readTree(ParamSchema.json()).get("estimators").get(1);
    assertParams(regressor, new DownhillRegressor(), DownhillRegressionModel.class);
    assertEquals("\"squared\"", param(regressor, "modelType").get("default").toString());
    assertEquals("\"squared\"", param(regressor, "loss").get("default").toString());
    assertEquals("string", type(regressor, "predictionCol"));
  }

  /** {@code schema} is {@code estimator}'s: every Param once, with the Java doc and default, the settings last. */
  private static void assertParams(JsonNode schema, Params estimator, Class<?> model) {
    assertEquals(estimator.getClass().getName(), schema.get("java_class").asText());
    assertEquals(model.getName(), schema.get("model_class").asText());
    List<String> names = new ArrayList<>();
    for (JsonNode p : schema.get("params")) {
      String name = p.get("name").asText();
      names.add(name);
      Param<?> param = estimator.getParam(name);
      assertEquals(param.doc(), p.get("doc").asText(), name);
      if (estimator.hasDefault(param)) {
        assertEquals(JSON.valueToTree(estimator.getDefault(param).get()).toString(), p.get("default").toString(), name);
      } else {
        assertTrue(p.get("default").isNull(), name);
      }
      Setting<?> setting = TrainingSettings.named(name);
      if (setting != null) {
        assertEquals(setting.flag(), p.get("flag").asText(), name);
        assertEquals(setting.allowed(), p.get("allowed").asText(), name);
        assertEquals(setting.choices() == null ? JSON.nullNode() : JSON.valueToTree(setting.choices()),
            p.get("choices"), name);
      }
    }
    assertEquals(estimator.params().length, names.size(), "every Param once: " + names);
    List<String> settings = SettingParams.ML.stream().map(Setting::name).toList();
    assertEquals(settings, names.subList(names.size() - settings.size(), names.size()),
        "the training settings last, in the catalogue's order");
  }

  private static String type(JsonNode estimator, String name) {
    return param(estimator, name).get("type").asText();
  }

  private static JsonNode param(JsonNode estimator, String name) {
    for (JsonNode p : estimator.get("params")) {
      if (p.get("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no Param " + name);
  }
}
