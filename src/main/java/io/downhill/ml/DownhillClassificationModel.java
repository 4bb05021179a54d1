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
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;

/**
 * A trained Downhill classifier as a Spark ML model: {@code transform} adds {@code rawPrediction}
 * (the scores {@code f(x)}: one per class; {@code [0, w·x + b]} for a logistic model),
 * {@code probability} (softmax of the scores: calibrated for softmax and logistic losses, a monotone
 * squashing of the margins for the hinge loss) and {@code prediction} (the class index).
 *
 * <p>It has the estimator's training Params ({@link DownhillParams}) and {@code fit} copies their
 * values onto it, so {@code extractParamMap()} of a fitted model, a tuning run's {@code bestModel}
 * among them, says which settings made it. A model saved before it had them loads with their
 * defaults for Spark ML.
 *
 * <p>Saved the Spark way ({@code write().overwrite().save(path)}, {@code DownhillClassificationModel.load(path)},
 * or inside a saved {@code PipelineModel}): {@code path/metadata/} is Spark's JSON metadata (class,
 * uid, params, Spark version), {@code path/data/} one Parquet row ({@link ModelFiles}: architecture,
 * classes and their names, layout, θ and its CRC32, the row's checksum and a manifest of the other
 * files), {@code path/summary.json} the training summary. All through Hadoop's FileSystem API;
 * loading validates shapes, class names, the checksum and every listed file first (a damaged
 * folder is a BadInputException naming the file), and never uses Java deserialization.
 *
 * <p>It names {@link DownhillParams} beside {@link DownhillModel}, which extends it, for py4j: PySpark
 * calls the getters ({@code getLearningRate()}) through py4j, which looks for default methods only in
 * a class's own interfaces.
 */
public final class DownhillClassificationModel
    extends ProbabilisticClassificationModel<Vector, DownhillClassificationModel>
    implements DownhillModel, DownhillParams {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private String uid; // no initializer: set by uid() while the superclass constructor runs (see Uid)
  private final ModelSpec spec;
  private final String loss;
  private final int classes;
  private final String[] classNames;
  private final boolean plusMinusOne;
  private final String precision;
  private final double[] theta;
  private final String extraJson;
  private final String summaryJson;
  private final SettingParams settingParams;
  private transient ModelScorer scorer;

  public DownhillClassificationModel(String uid, ModelFiles.Saved saved, String summaryJson) {
    this(Uid.of(uid), saved, summaryJson);
  }

  private DownhillClassificationModel(Uid uid, ModelFiles.Saved saved, String summaryJson) {
    this.uid = uid.value;
    uid.done();
    this.spec = saved.spec();
    this.loss = saved.loss();
    this.classes = saved.classes();
    this.classNames = saved.classNames().toArray(new String[0]);
    this.plusMinusOne = saved.plusMinusOne();
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
  public int numClasses() {
    return classes;
  }

  @Override
  public int numFeatures() {
    return spec.inputs();
  }

  /** The architecture (inputs, hidden layers, outputs, activation). */
  @Override
  public ModelSpec spec() {
    return spec;
  }

  /** softmax, svm or logistic. */
  @Override
  public String lossName() {
    return loss;
  }

  /** θ, the flat parameter vector (a copy), in the layout of {@code Model.of(spec()).layout()}. */
  @Override
  public double[] weights() {
    return theta.clone();
  }

  /** A name per class index (from the label column's metadata, e.g. a StringIndexer's, else "0".."k-1"). */
  public List<String> classNames() {
    return List.of(classNames);
  }

  /**
   * The training summary: per-epoch loss and accuracy per split, the objective's history, the
   * iterations, how training ended, and the settings, versions and data fingerprint. Read from
   * {@code summary.json}, so a loaded model has it too; see {@link #hasSummary()}.
   */
  @Override
  public DownhillTrainingSummary summary() {
    if (summaryJson == null) {
      throw new IllegalStateException("no training summary: this model " + uid + " was built without one");
    }
    return DownhillTrainingSummary.parse(summaryJson);
  }

  /** Whether the model has a training summary: one that {@code fit} made, or one loaded with it. */
  @Override
  public boolean hasSummary() {
    return summaryJson != null;
  }

  /**
   * This model on {@code dataset} (a features column of its width and a label column of class
   * indices, as named by its Params): the predictions, accuracy and Spark's multiclass metrics.
   */
  public DownhillClassificationSummary evaluate(Dataset<?> dataset) {
    @SuppressWarnings("unchecked")
    scala.Tuple3<DownhillClassificationModel, String, String> m = findSummaryModel();
    return new DownhillClassificationSummary(m._1().transform(dataset), m._3(), getLabelCol());
  }

  /** What is stored in {@code data/}. */
  @Override
  public ModelFiles.Saved saved() {
    try {
      return new ModelFiles.Saved(spec, loss, classes, List.of(classNames), plusMinusOne, precision, theta.clone(),
          (ObjectNode) JSON.readTree(extraJson));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Vector predictRaw(Vector features) {
    if (features.size() != spec.inputs()) {
      throw new IllegalArgumentException("features have " + features.size() + " values; the model " + uid
          + " expects " + spec.inputs());
    }
    if (scorer == null) {
      scorer = new ModelScorer(spec, Precision.parse(precision), theta);
    }
    double[] scores = scorer.scores(features.toArray());
    return loss.equals("logistic") ? Vectors.dense(0.0, scores[0]) : Vectors.dense(scores);
  }

  /** Softmax of the scores, in place (stable: the largest score is subtracted first). */
  @Override
  public Vector raw2probabilityInPlace(Vector raw) {
    double[] v = ((DenseVector) raw).values();
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.exp(v[i] - max);
      sum += v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= sum;
    }
    return raw;
  }

  /**
   * Spark's own. Both superclasses declare it, with Scala's covariant tuple types that Java
   * generics cannot relate, so the override is spelled with the raw type.
   */
  @Override
  @SuppressWarnings("rawtypes")
  public scala.Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  /**
   * Records the settings a model was trained with outside Spark ML (the command line's run) as
   * this model's Params, every one at the value the run used, so a saved run answers
   * {@code extractParamMap()} like a model from {@code DownhillClassifier.fit}.
   */
  public DownhillClassificationModel withTrainingSettings(SettingValues values) {
    SettingParams.setAll(this, values);
    return this;
  }

  @Override
  public DownhillClassificationModel copy(ParamMap extra) {
    DownhillClassificationModel copy = new DownhillClassificationModel(uid, saved(), summaryJson);
    return copyValues(copy, SettingParams.normalized(this, extra)).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new ModelIo.Writer(this);
  }

  public static MLReader<DownhillClassificationModel> read() {
    return new ModelIo.Reader<>(DownhillClassificationModel.class, DownhillClassificationModel::new);
  }

  public static DownhillClassificationModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "DownhillClassificationModel: uid=" + uid + ", " + spec.describe() + ", " + loss + " loss, " + classes
        + " classes";
  }
}
