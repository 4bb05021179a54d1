package io.downhill.ml;

import io.downhill.BadInputException;
import io.downhill.model.ModelFiles;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;

/**
 * Loading a saved model folder so that a damaged one is one line, not a stack trace: every
 * command that reads {@code model/} (evaluate, predict, a warm start) comes through here or
 * {@link ModelFiles#load}.
 *
 * <p>{@link #loadPipeline} first has {@link ModelFiles#load} check the Downhill stage's row and
 * every file its manifest lists (the pipeline's and stages' metadata, the StandardScaler's and PCA's
 * data, the summary: size and CRC32 as saved), before Spark reads any of them; only then does
 * Spark's {@code PipelineModel.load} run, and whatever it still throws (a model saved before the
 * manifest existed, a stage it does not cover) becomes a {@link BadInputException} naming the
 * folder and Spark's first line.
 */
public final class SavedModels {
  private SavedModels() {}

  /** The saved {@code PipelineModel} (or single Downhill model) in {@code dir}, a path or URI, checked first. */
  public static PipelineModel loadPipeline(String dir) {
    var conf = SparkSession.active().sparkContext().hadoopConfiguration();
    ModelFiles.load(dir, conf);
    try {
      return PipelineModel.load(dir);
    } catch (Exception e) { // Spark's checked exceptions too (a failed job: SparkException), thrown undeclared
      throw unreadable(dir, "cannot load the saved model", "a PipelineModel saved by Spark ML", e);
    }
  }

  /**
   * The one-line report of {@code e}, thrown while reading {@code where}: ours when it is one
   * (anywhere among the causes), else "{where}: {what}: expected {expected}, found {the innermost
   * cause's first line}" (a Hadoop checksum error names its file there).
   */
  static BadInputException unreadable(String where, String what, String expected, Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BadInputException bad) {
        return bad;
      }
      root = t;
    }
    ChecksumException sum = io.downhill.model.ModelManifest.checksumError(e);
    Throwable shown = sum != null ? sum : root;
    return BadInputException.of(where, what, expected,
        BadInputException.oneLine(shown.getClass().getSimpleName() + ": " + shown.getMessage()));
  }
}
