package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.Labels;
import io.downhill.data.LibsvmLine;
import io.downhill.data.Printable;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Finds the first bad line of a LIBSVM file after something went wrong reading it, so the error
 * can name {@code FILE:LINE}. Only runs on failure; the data itself is read by Spark's source.
 */
final class LibsvmDiagnosis {
  private LibsvmDiagnosis() {}

  /**
   * The first line {@link LibsvmLine#problem} rejects, as a ready error naming {@code path:line}
   * (or "no rows" for a file without data lines); empty when every line passes.
   */
  static Optional<BadInputException> firstBadLine(SparkSession spark, String path, Labels labels, int numFeatures) {
    JavaRDD<String> lines = spark.read().textFile(HadoopOpener.qualify(path)).javaRDD();
    List<Tuple2<String, Long>> bad = lines.zipWithIndex()
        .filter(t -> LibsvmLine.problem(t._1(), labels, numFeatures) != null)
        .take(1);
    if (bad.isEmpty()) {
      if (lines.filter(l -> !l.isBlank() && !l.trim().startsWith("#")).isEmpty()) {
        return Optional.of(BadInputException.of(path, "no rows", "at least one line 'label index:value ...'",
            "no data lines"));
      }
      return Optional.empty();
    }
    Tuple2<String, Long> first = bad.get(0);
    String problem = LibsvmLine.problem(first._1(), labels, numFeatures);
    // a binary file read as text: show its bytes escaped (\x00), never raw control characters
    String shown = Printable.abbreviate(first._1(), 40);
    boolean binary = first._1().chars().anyMatch(c -> c == 0 || c == 0xFFFD);
    return Optional.of(new BadInputException(path + ":" + (first._2() + 1) + ": " + Printable.abbreviate(problem, 160)
        + " (line: \"" + shown + "\")" + (binary ? "; binary data, not LIBSVM text?" : "")));
  }
}
