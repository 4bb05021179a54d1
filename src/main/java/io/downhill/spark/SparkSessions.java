package io.downhill.spark;

import io.downhill.linalg.Blas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Starting Spark for a command, and asking executors what they run. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * A session for {@code master} (null: keep what spark-submit set, else {@code local[*]}) with the
   * given extra settings. Spark's console progress bar is off: Downhill prints its own progress;
   * broadcasts are not compressed unless asked for.
   * A driver started without spark-submit against a cluster ships its own jar to the executors.
   */
  public static SparkSession start(String master, String appName, Map<String, String> conf) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName)
        .config("spark.ui.showConsoleProgress", "false");
    String resolved = master(master);
    builder.master(resolved);
    String jar = ownJar();
    if (!resolved.startsWith("local") && !conf.containsKey("spark.jars") && System.getProperty("spark.jars") == null
        && jar != null) {
      builder.config("spark.jars", jar);
    }
    // θ, broadcast every step for a large model, is float noise that LZ4 cannot shrink: compressing
    // it only costs a pass and a copy (a 784-1024-10 step: 66 -> 59 ms, docs/BENCHMARKS.md). Set by
    // spark-submit or --spark-conf, the user's value wins.
    if (System.getProperty("spark.broadcast.compress") == null) {
      builder.config("spark.broadcast.compress", "false");
    }
    // A wide model's partial gradients (MBs per task) above Spark's 1 MB default go through the block
    // manager: stored by the executor, fetched by the driver. Sent in the task's status message
    // instead (up to 64 MB, under spark.rpc.message.maxSize's 128 MB), a step returning two 4 MB
    // gradients cost 6 ms over an empty job instead of 18, two 16 MB ones 29 instead of 58
    // (local[2], docs/BENCHMARKS.md "Wide sparse models").
    if (System.getProperty("spark.task.maxDirectResultSize") == null) {
      builder.config("spark.task.maxDirectResultSize", "64m");
    }
    conf.forEach(builder::config);
    return builder.getOrCreate();
  }

  /** The master a session for {@code master} uses: it, else what spark-submit set, else local[*]. */
  public static String master(String master) {
    return master != null ? master : System.getProperty("spark.master", "local[*]");
  }

  /** The jar this class was loaded from, or null when running from classes (tests). */
  static String ownJar() {
    try {
      java.net.URL location = SparkSessions.class.getProtectionDomain().getCodeSource().getLocation();
      String path = java.nio.file.Path.of(location.toURI()).toString();
      return path.endsWith(".jar") ? path : null;
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * The BLAS implementation each executor loaded, by executor id (one small job of
   * {@code 4 x defaultParallelism} tasks; executors that get no task are absent).
   */
  public static Map<String, String> executorBlas(JavaSparkContext jsc) {
    int tasks = Math.max(2, 4 * jsc.defaultParallelism());
    List<Integer> seeds = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      seeds.add(i);
    }
    jsc.setJobGroup("downhill-probe", "downhill: which BLAS each executor loaded", false);
    Map<String, String> byExecutor = new TreeMap<>();
    for (String s : jsc.parallelize(seeds, tasks)
        .map(i -> SparkEnv.get().executorId() + "\t" + Blas.describe()).distinct().collect()) {
      String[] parts = s.split("\t", 2);
      byExecutor.put(parts[0], parts[1]);
    }
    jsc.clearJobGroup();
    return byExecutor;
  }
}
