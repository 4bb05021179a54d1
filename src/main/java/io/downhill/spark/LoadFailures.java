package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.data.Labels;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * A failed load ({@link DataLoader}) reported as the {@link BadInputException} behind it: the
 * first bad line of a LIBSVM file when one is found, a malformed CSV line with its number, or the
 * exception a task raised (Spark wraps those in job failures).
 */
final class LoadFailures {
  private LoadFailures() {}

  /** What loading has established so far, for diagnosing a failure. */
  static final class Known {
    Labels labels;
    int features;
  }

  /**
   * Runs {@code body}, reporting a failure as the bad input behind it.
   *
   * @param train       the training data
   * @param test        the test data, or null
   * @param numFeatures d asked for LIBSVM training data, or 0
   */
  static <T> T guarded(SparkSession spark, DataSpec train, DataSpec test, int numFeatures, Known known,
      Supplier<T> body) {
    try {
      return body.get();
    } catch (Exception e) { // Spark throws checked exceptions (SparkException) without declaring them
      Optional<BadInputException> located = locate(spark, train, test, numFeatures, known, e);
      if (located.isPresent()) {
        throw located.get();
      }
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof CsvRowCheck.LineProblem line) {
          throw line.locate(spark); // a malformed CSV line: its line number, found on failure only
        }
        if (t instanceof BadInputException bad) {
          throw bad; // raised in a task: Spark wrapped it in a job failure
        }
      }
      throw e; // precise rethrow: the original exception, unchanged
    }
  }

  /** For a failure while reading LIBSVM, the first bad line of the file as an error, when one is found. */
  private static Optional<BadInputException> locate(SparkSession spark, DataSpec train, DataSpec test,
      int numFeatures, Known known, Exception e) {
    for (DataSpec spec : new DataSpec[] {train, test}) {
      if (spec != null && spec.kind() == DataSpec.Kind.LIBSVM) {
        try {
          if (!new HadoopOpener().exists(HadoopOpener.qualify(spec.path()))) {
            continue; // already reported as "path not found"
          }
          int d = spec == test ? known.features : numFeatures;
          Optional<BadInputException> bad = LibsvmDiagnosis.firstBadLine(spark, spec.path(), known.labels, d);
          if (bad.isPresent()) {
            bad.get().addSuppressed(e);
            return bad;
          }
        } catch (Exception diagnosisFailed) { // Spark's AnalysisException is checked, e.g. for a missing path
          e.addSuppressed(diagnosisFailed);
        }
      }
    }
    return Optional.empty();
  }
}
