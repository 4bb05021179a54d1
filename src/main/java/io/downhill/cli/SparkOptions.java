package io.downhill.cli;

import io.downhill.BadInputException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where Spark runs. */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master: local[*], local[N], spark://HOST:PORT, ... (default: what spark-submit set, else local[*])")
  String master;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", split = ",",
      description = "Extra Spark settings, e.g. --spark-conf spark.ui.enabled=false (repeatable, or comma-separated)")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  @Option(names = "--cluster-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "With a spark:// master: fail with exit code 4 once the master has been unreachable and no task "
          + "has finished for this long, instead of waiting forever for it to return; 0 waits forever "
          + "(default: ${DEFAULT-VALUE})")
  int clusterTimeout;

  @Option(names = "--log-file", paramLabel = "FILE",
      description = "Where Spark's and Downhill's logs and full error traces go, appended to (default: NAME.log "
          + "beside --out, else downhill-COMMAND.log in a temporary folder); the terminal only gets one line per error")
  java.nio.file.Path logFile;

  /** Checks the flags before Spark starts. */
  void validate() {
    if (clusterTimeout < 0) {
      throw BadInputException.of("--cluster-timeout", "negative timeout", "seconds >= 0 (0: no timeout)",
          Integer.toString(clusterTimeout));
    }
  }
}
