package io.downhill.testing;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

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

  /** {@code rows} as a DataFrame of non-null double columns: {@code label}, then {@code columns}. */
  public static Dataset<Row> labelledDoubles(List<Row> rows, String... columns) {
    StructField[] fields = Stream.concat(Stream.of("label"), Stream.of(columns))
        .map(c -> DataTypes.createStructField(c, DataTypes.DoubleType, false)).toArray(StructField[]::new);
    return session().createDataFrame(rows, new StructType(fields));
  }

  public static JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(session().sparkContext());
  }
}
