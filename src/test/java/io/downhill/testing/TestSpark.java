package io.downhill.testing;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session for every test in the JVM (surefire runs them all in one fork): two
 * partitions by default, like the CI machine's two cores, but four task slots ({@code local[4]}),
 * so that the collective transport's barrier stages of up to four partitions can run; UI off.
 * Never stopped by a test.
 */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder().master("local[4]").appName("downhill-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.ui.showConsoleProgress", "false")
          .config("spark.default.parallelism", "2")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
    }
    return session;
  }

  public static JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(session().sparkContext());
  }
}
