package io.downhill.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.spark.DataLoader;
import io.downhill.spark.SparkSessions;
import io.downhill.spark.TrainingData;
import io.downhill.train.TrainingConfig;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench scale}: the softmax's exact synchronous steps (K=1, batch 256) over 1, 2, 4
 * and 8 partitions of Fashion-MNIST, one epoch each, on the collective transport and with a Spark
 * job per step: the step's time, its arithmetic, the exchange, and the bytes a task sends per step.
 * On {@code local[8]} by default, so that a barrier stage of 8 tasks can run: on a 2-core machine
 * the 4 and 8 tasks share the cores, which measures the protocol's cost, not a speed-up. The full
 * {@code scripts/bench} ends with it.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Softmax K=1, one epoch at 1, 2, 4 and 8 partitions: collective against a job per step.")
final class CollectiveScale implements Callable<Integer> {
  private static final int SOFTMAX_PARAMETERS = 7_850;

  @Option(names = "--master", defaultValue = "local[8]", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--data-dir", description = "First place to look for fashion-mnist")
  String dataDir;

  @Option(names = "--partitions", split = ",", defaultValue = "1,2,4,8",
      description = "Partition counts (default: ${DEFAULT-VALUE})")
  List<Integer> partitions;

  @Override
  public Integer call() throws Exception {
    SparkSession spark = SparkSessions.start(master, "downhill bench scale", Map.of("spark.ui.enabled", "false"));
    try {
      run(spark, DataSpec.parse("fashion-mnist", DataSpec.searchDirs(dataDir)), partitions, System.out, null);
    } finally {
      spark.stop();
    }
    return 0;
  }

  /** Prints the table, and adds its rows to {@code results} ("collective_scale") when given. */
  static void run(SparkSession spark, DataSpec fashion, List<Integer> partitions, PrintStream console,
      ObjectNode results) throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainingConfig oneEpoch = TrainingConfig.builder().learningRate(0.1).schedule("step").batchSize(256).epochs(1)
        .build();
    // Untimed: the JIT compiles both transports' paths once in this session.
    TrainingData warm = load(spark, fashion, 2);
    for (String sync : List.of(DownhillRun.JOBS, DownhillRun.COLLECTIVE, DownhillRun.JOBS, DownhillRun.COLLECTIVE)) {
      DownhillRun.run("warm-up", "warm-up", 1, sync, "", jsc, warm, oneEpoch, 1.0);
    }
    warm.unpersist();
    console.printf(Locale.ROOT, "%n## Scale of the exact step (softmax, K=1, batch 256, one epoch)%n%n%s, %d task "
            + "slots. Step: the median; with jobs the driver's wall time, collective inside the task (arithmetic, "
            + "exchange, update). Compute: the slowest partition's arithmetic. Wall: the epoch's time over its "
            + "steps (collective: the segment's launch included). Bytes: frames a task sends per step (the "
            + "protocol's, counted on loopback). With more tasks than cores they share them.%n%n"
            + "| partitions | transport | step, ms | compute, ms | step − compute, ms | wall per step, ms | epoch, s "
            + "| bytes sent per task and step |%n| --- | --- | --- | --- | --- | --- | --- | --- |%n",
        jsc.master(), jsc.sc().maxNumConcurrentTasks(jsc.sc().resourceProfileManager().defaultResourceProfile()));
    for (int p : partitions) {
      TrainingData data = load(spark, fashion, p);
      double bytes = MeshBench.stepBytes(SOFTMAX_PARAMETERS, p);
      for (String sync : List.of(DownhillRun.JOBS, DownhillRun.COLLECTIVE)) {
        try {
          DownhillRun r = DownhillRun.run("scale " + sync + " P=" + p, "softmax", 1, sync, "", jsc, data, oneEpoch, 0.84);
          boolean collective = r.collective();
          console.printf(Locale.ROOT, "| %d | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %s |%n", p, r.sync(),
              r.medianStepMs(), r.medianComputeMs(), r.overheadMs(), r.epochStepMs(), r.trainSeconds(),
              collective ? String.format(Locale.ROOT, "%,.0f", bytes) : "-");
          if (results != null) {
            results.withArray("collective_scale").addObject().put("partitions", p).put("sync", r.sync())
                .put("step_ms", r.medianStepMs()).put("compute_ms", r.medianComputeMs())
                .put("wall_step_ms", r.epochStepMs()).put("epoch_seconds", r.trainSeconds())
                .put("bytes_per_task_step", collective ? bytes : 0);
          }
        } catch (BadInputException e) {
          console.printf(Locale.ROOT, "| %d | %s | cannot run: %s | | | | | |%n", p, sync, e.getMessage());
        }
      }
      data.unpersist();
    }
  }

  private static TrainingData load(SparkSession spark, DataSpec fashion, int partitions) {
    return DataLoader.load(spark, DataLoader.Settings.builder(fashion).valFraction(0).partitions(partitions).build());
  }
}
