package io.downhill.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.settings.Setting;
import io.downhill.spark.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import scala.Option;

/**
 * The Spark ML Params of Downhill's estimators as JSON, for the Python package ({@code python/downhill}):
 * per estimator its class, its model's class and every Param with its name, type, doc and default,
 * and for a training setting its choices, what it allows and its command-line flag. Read from a
 * fresh instance of each estimator, so the Python Params are the Java ones: Downhill's from the
 * settings' one declaration ({@link io.downhill.train.TrainingSettings}), Spark's own (featuresCol,
 * thresholds ...) from Spark. Also the Downhill and Spark versions the jar is built with, which the
 * Python package checks against the user's pyspark.
 *
 * <p>The build writes it into the jar as {@value #RESOURCE} ({@link #main}, in Maven's
 * process-classes phase); {@code python/downhill/_params.py} is generated from it and a Python test
 * keeps the two equal, as {@code SettingsSchemaTest} does for docs/CONFIGURATION.md. A wrapped
 * estimator is one line of {@link #json()} (and one entry of the Python generator's table).
 */
public final class ParamSchema {
  /** Where the schema sits in the jar. */
  public static final String RESOURCE = "io/downhill/ml/params.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ParamSchema() {}

  /** Writes the schema to the file {@code args[0]} (the build: {@code target/classes/} + {@link #RESOURCE}). */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ParamSchema OUTPUT_FILE");
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, json(), StandardCharsets.UTF_8);
  }

  /** The schema: versions, then each wrapped estimator with its Params. */
  public static String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("downhill_version", Version.DOWNHILL);
    root.put("spark_version", Version.SPARK_BUILT);
    ArrayNode estimators = root.putArray("estimators");
    estimators.add(estimator(new DownhillClassifier(), DownhillClassificationModel.class));
    estimators.add(estimator(new DownhillRegressor(), DownhillRegressionModel.class));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the Param schema", e);
    }
  }

  /**
   * One estimator: Spark's Params first (in Spark's order, by name), then the training settings in
   * the catalogue's order.
   */
  static ObjectNode estimator(Params estimator, Class<?> model) {
    ObjectNode e = JSON.createObjectNode();
    e.put("java_class", estimator.getClass().getName());
    e.put("model_class", model.getName());
    Map<String, Setting<?>> settings = new LinkedHashMap<>();
    SettingParams.ML.forEach(s -> settings.put(s.name(), s));
    List<Param<?>> ordered = new ArrayList<>();
    for (Param<?> p : estimator.params()) {
      if (!settings.containsKey(p.name())) {
        ordered.add(p);
      }
    }
    settings.keySet().forEach(name -> ordered.add(estimator.getParam(name)));
    ArrayNode params = e.putArray("params");
    for (Param<?> p : ordered) {
      params.add(param(estimator, p, settings.get(p.name())));
    }
    return e;
  }

  private static ObjectNode param(Params owner, Param<?> p, Setting<?> setting) {
    ObjectNode o = JSON.createObjectNode();
    Option<?> dflt = owner.getDefault(p);
    o.put("name", p.name());
    o.put("type", type(p, dflt, setting));
    o.put("doc", p.doc());
    o.set("default", dflt.isDefined() ? JSON.valueToTree(dflt.get()) : null);
    if (setting != null) {
      o.put("flag", setting.flag());
      o.put("allowed", setting.allowed());
      List<String> choices = setting.choices();
      o.set("choices", choices == null ? null : JSON.valueToTree(choices));
    }
    return o;
  }

  /** The value's type as the Python generator reads it: string, int, long, double, boolean or T[]. */
  private static String type(Param<?> p, Option<?> dflt, Setting<?> setting) {
    if (p instanceof DoubleParam) {
      return "double";
    } else if (p instanceof FloatParam) {
      return "float";
    } else if (p instanceof IntParam) {
      return "int";
    } else if (p instanceof LongParam) {
      return "long";
    } else if (p instanceof BooleanParam) {
      return "boolean";
    } else if (p instanceof IntArrayParam) {
      return "int[]";
    } else if (p instanceof DoubleArrayParam) {
      return "double[]";
    } else if (p instanceof StringArrayParam) {
      return "string[]";
    } else if (setting != null ? setting.type() == String.class : dflt.isDefined() && dflt.get() instanceof String) {
      return "string";
    }
    throw new IllegalStateException("Param " + p.name() + " of " + p.parent() + ": no Python type for "
        + p.getClass().getName() + (dflt.isDefined() ? " with default " + dflt.get() : " without a default"));
  }
}
