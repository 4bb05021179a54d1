package io.downhill.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.linalg.Precision;
import io.downhill.model.ModelFiles;
import io.downhill.model.ModelSpec;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

/**
 * A trained Downhill regressor as a Spark ML model ({@link DownhillRegressor}'s output):
 * {@code transform} adds {@code prediction}, a double, the model's one output {@code f(x)} (a linear
 * {@code w·x + b}, or a network's head) fitted by least squares.
 *
 * <p>Like {@link DownhillClassificationModel} it carries the estimator's training Params, and is
 * saved and loaded the same way ({@code write().overwrite().save(path)},
 * {@code DownhillRegressionModel.load(path)}, or inside a saved {@code PipelineModel}):
 * {@code metadata/}, {@code data/} (the squared loss, no classes, one output) and
 * {@code summary.json}, every file checked on load. Metrics on any data: Spark's
 * {@code RegressionEvaluator} on the transformed frame (rmse, mae, r2).
 *
 * <p>It names {@link DownhillParams} beside {@link DownhillModel}, which extends it, for py4j: PySpark
 * calls the getters ({@code getLearningRate()}) through py4j, which looks for default methods only in
 * a class's own interfaces.
 */
public final class DownhillRegressionModel extends RegressionModel<Vector, DownhillRegressionModel>
    implements DownhillModel, DownhillParams {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private String uid; // no initializer: set by uid() while the superclass constructor runs (see Uid)
  private final ModelSpec spec;
  private final String precision;
  private final double[] theta;
  private final String extraJson;
  private final String summaryJson;
  private final SettingParams settingParams;
  private transient ModelScorer scorer;

  public DownhillRegressionModel(String uid, ModelFiles.Saved saved, String summaryJson) {
    this(Uid.of(uid), saved, summaryJson);
  }

  private DownhillRegressionModel(Uid uid, ModelFiles.Saved saved, String summaryJson) {
    this.uid = uid.value;
    uid.done();
    if (!saved.loss().equals(ModelFiles.REGRESSION_LOSS)) {
      throw new IllegalArgumentException("a regression model holds a " + ModelFiles.REGRESSION_LOSS
          + " loss model, not a " + saved.loss() + " one (a DownhillClassificationModel)");
    }
    this.spec = saved.spec();
    this.precision = saved.precision();
    this.theta = saved.theta().clone();
    this.extraJson = saved.extra() == null ? "{}" : saved.extra().toString();
    this.summaryJson = summaryJson;
    this.settingParams = SettingParams.define(this);
  }

  @Override
  public String uid() {
    if (uid == null) {
      uid = Uid.pending();
    }
    return uid;
  }

  /** The Param of a training setting: its value is the one the estimator was fitted with (else Spark ML's default). */
  @Override
  public Param<?> param(Setting<?> setting) {
    return settingParams.get(setting);
  }

  @Override
  public int numFeatures() {
    return spec.inputs();
  }

  /** The architecture (inputs, hidden layers, one output). */
  @Override
  public ModelSpec spec() {
    return spec;
  }

  /** squared. */
  @Override
  public String lossName() {
    return ModelFiles.REGRESSION_LOSS;
  }

  @Override
  public double[] weights() {
    return theta.clone();
  }

  /**
   * The training summary: per-epoch loss, RMSE, MAE and R² per split, the iterations, how training
   * ended, the settings and the data's fingerprint; read from {@code summary.json}.
   */
  @Override
  public DownhillTrainingSummary summary() {
    if (summaryJson == null) {
      throw new IllegalStateException("no training summary: this model " + uid + " was built without one");
    }
    return DownhillTrainingSummary.parse(summaryJson);
  }

  @Override
  public boolean hasSummary() {
    return summaryJson != null;
  }

  /** What is stored in {@code data/}. */
  @Override
  public ModelFiles.Saved saved() {
    try {
      return new ModelFiles.Saved(spec, ModelFiles.REGRESSION_LOSS, 0, List.of(), false, precision, theta.clone(),
          (ObjectNode) JSON.readTree(extraJson));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code f(x)}: the one output of the forward pass, in the precision the model was trained in. */
  @Override
  public double predict(Vector features) {
    if (features.size() != spec.inputs()) {
      throw new IllegalArgumentException("features have " + features.size() + " values; the model " + uid
          + " expects " + spec.inputs());
    }
    if (scorer == null) {
      scorer = new ModelScorer(spec, Precision.parse(precision), theta);
    }
    return scorer.scores(features.toArray())[0];
  }

  /**
   * Records the settings a model was trained with outside Spark ML (the command line's run) as
   * this model's Params, as {@link DownhillClassificationModel#withTrainingSettings} does.
   */
  public DownhillRegressionModel withTrainingSettings(SettingValues values) {
    SettingParams.setAll(this, values);
    return this;
  }

  @Override
  public DownhillRegressionModel copy(ParamMap extra) {
    DownhillRegressionModel copy = new DownhillRegressionModel(uid, saved(), summaryJson);
    return copyValues(copy, SettingParams.normalized(this, extra)).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new ModelIo.Writer(this);
  }

  public static MLReader<DownhillRegressionModel> read() {
    return new ModelIo.Reader<>(DownhillRegressionModel.class, DownhillRegressionModel::new);
  }

  public static DownhillRegressionModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "DownhillRegressionModel: uid=" + uid + ", " + spec.describe() + ", squared loss";
  }
}
