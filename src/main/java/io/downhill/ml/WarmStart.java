package io.downhill.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.data.Labels;
import io.downhill.model.ModelFiles;
import io.downhill.model.ModelSpec;
import io.downhill.spark.Preprocess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.SparkSession;

/**
 * A warm start: the saved model a run starts from ({@code train --init-model DIR},
 * {@link DownhillClassifier#setInitialModel}). The run takes the parent's θ as its initial weights
 * when the architecture matches ({@link #check}): the same loss, hidden layers and activation, the
 * same number of classes and label coding (and class names, where both sides have real ones), the
 * same input width. Only θ is carried: the optimizer starts with fresh state (no moments) and the
 * schedule at its epoch 0. The parent's fitted preprocessing stages are here for a run that keeps
 * them ({@link #preprocessing}).
 *
 * <p>{@code path} is a saved {@code PipelineModel} whose last Downhill stage holds θ (the command
 * line's {@code model/}), a run folder holding one in {@code model/}, or a saved
 * {@link DownhillClassificationModel} or {@link DownhillRegressionModel}; any Hadoop path.
 */
public final class WarmStart {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Fields of the parent's training summary recorded in the child's {@code init_model.parent}. */
  private static final List<String> PARENT_FIELDS = List.of("data", "architecture", "epochs_run", "steps",
      "train_accuracy", "val_accuracy", "test_accuracy", "train_rmse", "val_rmse", "test_rmse", "final_loss",
      "data_identity", "init_model");

  private final String where;
  private final String path;
  private final ModelFiles.Saved saved;
  private final Transformer[] before; // the pipeline's stages in front of the Downhill stage (none: empty)
  private final JsonNode parentSummary; // null when the model has none

  private WarmStart(String where, String path, ModelFiles.Saved saved, Transformer[] before, JsonNode parentSummary) {
    this.where = where;
    this.path = path;
    this.saved = saved;
    this.before = before;
    this.parentSummary = parentSummary;
  }

  /**
   * Reads and checks the model at {@code path} ({@code where} names it in messages, e.g.
   * "--init-model runs/a"): a damaged or missing model is a {@link BadInputException}.
   */
  public static WarmStart load(SparkSession spark, String path, String where) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path dir = new Path(path);
    boolean pipeline;
    boolean sparkModel;
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        throw BadInputException.of(where, "initial model not found", "a run folder or a saved model", "nothing at "
            + fs.makeQualified(dir));
      }
      if (fs.isDirectory(new Path(dir, "model"))) {
        dir = new Path(dir, "model"); // a run folder
      }
      dir = fs.makeQualified(dir);
      pipeline = fs.isDirectory(new Path(dir, "stages"));
      sparkModel = fs.isDirectory(new Path(dir, "metadata"));
    } catch (IOException e) {
      throw BadInputException.of(where, "cannot read the initial model", "a readable directory", e.toString());
    }
    ModelFiles.Saved saved;
    try {
      saved = ModelFiles.load(dir.toString(), conf);
    } catch (BadInputException e) {
      throw new BadInputException(where + ": " + e.getMessage(), e);
    }
    Transformer[] before = new Transformer[0];
    JsonNode summary = null;
    try {
      if (pipeline) {
        Transformer[] stages = PipelineModel.load(dir.toString()).stages();
        int downhill = stages.length - 1;
        while (downhill >= 0 && !(stages[downhill] instanceof DownhillModel)) {
          downhill--;
        }
        before = Arrays.copyOf(stages, Math.max(downhill, 0));
        if (downhill >= 0) {
          summary = summaryOf((DownhillModel) stages[downhill]);
        }
      } else if (sparkModel) {
        summary = summaryOf(saved.loss().equals(ModelFiles.REGRESSION_LOSS) ? DownhillRegressionModel.load(dir.toString())
            : DownhillClassificationModel.load(dir.toString()));
      }
    } catch (BadInputException e) {
      throw new BadInputException(where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) { // Spark's readers: edited or missing metadata, unreadable stage data
      throw BadInputException.of(where, "unreadable saved model", "a PipelineModel, DownhillClassificationModel or "
          + "DownhillRegressionModel saved by Spark ML", e.toString().lines().findFirst().orElse(""));
    }
    return new WarmStart(where, dir.toString(), saved, before, summary);
  }

  private static JsonNode summaryOf(DownhillModel m) {
    try {
      return m.hasSummary() ? JSON.readTree(m.summary().json()) : null;
    } catch (IOException | RuntimeException e) {
      return null; // a summary is a record, not needed to start from θ
    }
  }

  /** The resolved model folder (a qualified Hadoop path). */
  public String path() {
    return path;
  }

  /** The parent as stored. */
  public ModelFiles.Saved saved() {
    return saved;
  }

  /** The parent's θ, a copy: the initial weights of this run. */
  public double[] theta() {
    return saved.theta().clone();
  }

  /**
   * The parent's fitted preprocessing (StandardScaler / PCA stages in front of the Downhill
   * stage) as one PipelineModel, or null when it has none. Stages of another kind (a Spark ML
   * pipeline's VectorAssembler, say) are bad input: only the command line's own can be kept.
   */
  public PipelineModel preprocessing() {
    if (before.length == 0) {
      return null;
    }
    for (int i = 0; i < before.length; i++) {
      if (!(before[i] instanceof StandardScalerModel) && !(before[i] instanceof PCAModel)) {
        throw BadInputException.of(where, "preprocessing stages that cannot be kept",
            "the StandardScaler/PCA stages downhill train saves (or --init-preprocess refit)",
            "stage " + i + ", " + before[i].getClass().getSimpleName());
      }
    }
    PipelineModel stages = new PipelineModel(Identifiable$.MODULE$.randomUID("preprocess"), before);
    Preprocess.of(stages, where); // the shape downhill train writes, or bad input
    return stages;
  }

  /** What the kept stages do ({@link Preprocess#of}); NONE when the parent has none. */
  public Preprocess preprocess() {
    return Preprocess.of(preprocessing(), where);
  }

  /**
   * Refuses, with one line naming the first difference, a run whose model does not match the
   * parent: loss, the layer list (hidden layers, activation, any other layer kind), classes and their
   * coding, class names (compared only when both sides have names other than "0".."k-1"), input
   * width. Dropout and precision may differ: they do not change θ's shape or meaning.
   *
   * @param run        this run's architecture
   * @param loss       this run's loss (softmax, svm, logistic)
   * @param labels     this run's label mapping
   * @param classNames this run's class names, or null when it has none
   * @param inputs     describes where this run's input width comes from, for the message
   */
  public void check(ModelSpec run, String loss, Labels labels, List<String> classNames, String inputs) {
    ModelSpec parent = saved.spec();
    if (!saved.loss().equals(loss)) {
      throw differs("loss differs", saved.loss(), loss);
    }
    if (!parent.withoutDropout().layers().equals(run.withoutDropout().layers())) {
      throw differs("architecture differs", shape(parent), shape(run));
    }
    if (saved.classes() != labels.numClasses() || saved.plusMinusOne() != labels.isPlusMinusOne()) {
      Labels p = saved.plusMinusOne() ? Labels.plusMinusOne() : Labels.classes(saved.classes());
      throw differs("classes differ", saved.classes() + " classes (" + p.describe() + ")",
          labels.numClasses() + " classes (" + labels.describe() + ")");
    }
    List<String> index = ModelFiles.indexNames(saved.classes());
    if (classNames != null && !classNames.equals(index) && !saved.classNames().equals(index)
        && !classNames.equals(saved.classNames())) {
      throw differs("class names differ", saved.classNames().toString(), classNames.toString());
    }
    if (parent.inputs() != run.inputs()) {
      throw differs("input width differs", parent.inputs() + " features", run.inputs() + " features (" + inputs + ")");
    }
  }

  private BadInputException differs(String what, String parent, String run) {
    return new BadInputException(where + ": " + what + ": saved " + parent + ", this run " + run);
  }

  /** e.g. "linear 36-4", "mlp 784-256-10 (relu)": the shape of θ, dropout left out. */
  private static String shape(ModelSpec s) {
    return s.withoutDropout().describe();
  }

  /**
   * The parent's identity for a checkpoint's settings: its path and the CRC32 of its θ, so a
   * checkpoint made from another parent (or another model at the same path) is refused.
   */
  public String identity() {
    return "init model " + path + " (θ crc32 " + crc(saved.theta()) + ")";
  }

  /**
   * {@code init_model} of a summary: the path, how preprocessing was treated ({@code keep},
   * {@code refit}, or null for the Estimator, which has none), the parent's architecture and θ
   * checksum, and from the parent's own summary, when it has one: its data, accuracies, final
   * loss, data identity and its own parent.
   */
  public ObjectNode record(String preprocessMode) {
    ObjectNode r = JSON.createObjectNode();
    r.put("path", path);
    if (preprocessMode != null) {
      r.put("preprocess", preprocessMode);
    }
    r.put("architecture", shape(saved.spec()));
    r.put("loss", saved.loss());
    r.put("theta_crc32", crc(saved.theta()));
    if (parentSummary != null) {
      ObjectNode p = r.putObject("parent");
      for (String f : PARENT_FIELDS) {
        JsonNode v = parentSummary.get(f);
        if (v != null) {
          p.set(f, f.equals("init_model") && v.isObject() ? v.path("path") : v);
        }
      }
    }
    return r;
  }

  /** A short description for the console: the path and, when known, the parent's accuracy. */
  public String describe() {
    StringBuilder s = new StringBuilder(path).append(" (").append(shape(saved.spec()));
    if (parentSummary != null) {
      for (String split : List.of("test", "val", "train")) {
        JsonNode a = parentSummary.get(split + "_accuracy");
        JsonNode rmse = parentSummary.get(split + "_rmse");
        if (a != null && a.isNumber()) {
          s.append(String.format(java.util.Locale.ROOT, ", %s accuracy %.4f", split, a.asDouble()));
          break;
        } else if (rmse != null && rmse.isNumber()) {
          s.append(String.format(java.util.Locale.ROOT, ", %s RMSE %.4g", split, rmse.asDouble()));
          break;
        }
      }
    }
    return s.append(")").toString();
  }

  private static String crc(double[] theta) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * theta.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asDoubleBuffer().put(theta);
    CRC32 c = new CRC32();
    c.update(bytes.array());
    return Long.toHexString(c.getValue());
  }
}
