package io.downhill.cli;

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
}
