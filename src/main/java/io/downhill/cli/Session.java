package io.downhill.cli;

import io.downhill.spark.SparkSessions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** A Spark session for one command; stopped at the end only if this command started it. */
final class Session implements AutoCloseable {
  final SparkSession spark;
  final JavaSparkContext jsc;
  private final boolean owned;

  Session(SparkOptions options, String appName) {
    this.owned = SparkSession.getDefaultSession().isEmpty() && SparkSession.getActiveSession().isEmpty();
    this.spark = SparkSessions.start(options.master, appName, options.sparkConf);
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  String master() {
    return spark.sparkContext().master();
  }

  @Override
  public void close() {
    if (owned) {
      spark.stop();
    }
  }
}
