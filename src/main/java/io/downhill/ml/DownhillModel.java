package io.downhill.ml;

import io.downhill.model.ModelFiles;
import io.downhill.model.ModelSpec;
import org.apache.spark.ml.util.MLWritable;

/**
 * A fitted Downhill model as Spark ML holds it, whichever its head: a
 * {@link DownhillClassificationModel} (classes) or a {@link DownhillRegressionModel} (a real
 * value). What the command line, a warm start and the saved-model checks need of either: the
 * stored architecture and θ, the training summary, the training settings as Params, and Spark's
 * writer.
 */
public interface DownhillModel extends DownhillParams, MLWritable {

  /** What is stored in {@code data/}: architecture, loss, classes (none for regression), θ. */
  ModelFiles.Saved saved();

  /** The architecture (inputs, layers, outputs). */
  ModelSpec spec();

  /** softmax, svm, logistic or squared. */
  String lossName();

  /** θ, the flat parameter vector (a copy), in the layout of {@code Model.of(spec()).layout()}. */
  double[] weights();

  /** The input width d. */
  int numFeatures();

  /** Whether the model has a training summary: one that {@code fit} made, or one loaded with it. */
  boolean hasSummary();

  /** The training summary (read from {@code summary.json}); throws when there is none ({@link #hasSummary}). */
  DownhillTrainingSummary summary();
}
