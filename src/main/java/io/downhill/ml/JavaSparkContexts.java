package io.downhill.ml;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** The Java view of a session's SparkContext. */
final class JavaSparkContexts {
  private JavaSparkContexts() {}

  static JavaSparkContext of(SparkSession spark) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }
}
