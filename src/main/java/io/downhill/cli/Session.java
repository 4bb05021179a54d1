package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.spark.SparkSessions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark session for one command; stopped at the end only if this command started it. On a
 * standalone cluster a {@link ClusterWatchdog} fails the command when the cluster goes away.
 */
final class Session implements AutoCloseable {
  final SparkSession spark;
  final JavaSparkContext jsc;
  private final boolean owned;
  private final ClusterWatchdog watchdog;

  /** A session for a command without an output folder; its log goes to {@code --log-file} or {@link Logs#defaultFile}. */
  Session(SparkOptions options, String appName) {
    this(options, appName, null);
  }

  /**
   * A session for a command writing {@code out} (null: none); its log goes to {@code --log-file},
   * else beside {@code out}, else to {@link Logs#defaultFile}. Logging is set up before Spark starts.
   */
  Session(SparkOptions options, String appName, java.nio.file.Path out) {
    options.validate();
    String command = appName.replaceFirst("^downhill ", "");
    Logs.start(options.logFile != null ? options.logFile : out != null ? Logs.besideOutput(out)
        : Logs.defaultFile(command), appName);
    this.owned = SparkSession.getDefaultSession().isEmpty() && SparkSession.getActiveSession().isEmpty();
    String master = SparkSessions.master(options.master);
    ClusterWatchdog.awaitMaster(master, options.clusterTimeout);
    try {
      this.spark = SparkSessions.start(options.master, appName, options.sparkConf);
    } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
      // Spark checks the master URL and its settings as it starts: a failure here is the user's settings
      throw BadInputException.of("--master " + master + (options.sparkConf.isEmpty() ? ""
          : " --spark-conf " + options.sparkConf), "Spark cannot start with these settings",
          "a master URL (local[*], local[N] with N >= 1, spark://HOST:PORT, yarn, k8s://...) and valid Spark settings",
          ExitCodes.firstLine(e));
    }
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.watchdog = ClusterWatchdog.start(spark.sparkContext(), options.clusterTimeout);
  }

  String master() {
    return spark.sparkContext().master();
  }

  /**
   * Stops Spark if this command started it. When the watchdog stopped Spark, throws the reason
   * (suppressed under the command's own failure, which it explains; {@link ExitCodes} finds it).
   */
  @Override
  public void close() {
    String lost = null;
    if (watchdog != null) {
      watchdog.close();
      lost = watchdog.reason();
    }
    if (owned) {
      spark.stop();
    }
    if (lost != null) {
      throw new ClusterLostException(lost);
    }
  }
}
