package io.downhill.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.data.Block;
import io.downhill.data.BlockBuilder;
import io.downhill.data.DataSpec;
import io.downhill.data.Shard;
import io.downhill.linalg.Blas;
import io.downhill.shard.BatchPlan;
import io.downhill.spark.DataLoader;
import io.downhill.spark.PartitionJob;
import io.downhill.spark.SparkSessions;
import io.downhill.spark.TrainingData;
import io.downhill.train.TrainingConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code scripts/bench}: everything in one JVM on one SparkSession and one cached copy of
 * Fashion-MNIST (all 60,000 training rows standardized, the 10,000 test rows), then the numpy
 * reference as a child process on the same files. Prints Markdown tables and ratios, and writes
 * the numbers as JSON. Exact synchronous runs (K=1) run twice, a Spark job per step and collective
 * (a barrier stage per epoch whose tasks all-reduce, {@code --sync collective}), side by side; then
 * the mesh all-reduce's α and β ({@link MeshBench}) and, in the full run, the step's scale over 1-8
 * partitions ({@link CollectiveScale}, on its own local[8] session).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    subcommands = {SparseBench.class, PredictBench.class, MeshBench.class, CollectiveScale.class, RegressBench.class},
    description = "Downhill against Spark ML, mllib and numpy on Fashion-MNIST, with the machine's limits.")
public final class Bench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--quick", description = "Fewer epochs and iterations, no scale runs: about 5 minutes")
  boolean quick;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--data-dir", description = "First place to look for fashion-mnist")
  String dataDir;

  @Option(names = "--python", description = "A python3 with numpy for the reference (default: found on the PATH)")
  String python;

  @Option(names = "--skip", split = ",", description = "Parts to leave out: numpy, spark-ml, mesh, scale")
  List<String> skip = new ArrayList<>();

  @Option(names = "--out", description = "Where to write the numbers as JSON (default: runs/bench/bench-MODE.json)")
  Path out;

  private final PrintStream console = System.out;
  private final ObjectNode results = JSON.createObjectNode();

  public static void main(String[] args) {
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String mode = quick ? "quick" : "full";
    int softmaxEpochs = quick ? 6 : 10;
    int mlpEpochs = quick ? 8 : 15;
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.start(master, "downhill bench", conf);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    DataSpec fashion = DataSpec.parse("fashion-mnist", DataSpec.searchDirs(dataDir));
    long loadStart = System.nanoTime();
    TrainingData data = DataLoader.load(spark, DataLoader.Settings.builder(fashion).valFraction(0).build());
    partitions = data.train().getNumPartitions();
    int cores = jsc.defaultParallelism();
    results.put("mode", mode);
    results.put("master", jsc.master());
    results.put("partitions", partitions);
    results.put("blas", Blas.describe());
    results.put("openblas_threads", String.valueOf(System.getenv("OPENBLAS_NUM_THREADS")));
    results.put("load_seconds", (System.nanoTime() - loadStart) / 1e9);
    console.printf(Locale.ROOT, "# Downhill benchmark (%s)%n%n%s, %d partitions, %d training and %d test rows, "
            + "BLAS %s, OPENBLAS_NUM_THREADS=%s, Java %s%n", mode, jsc.master(), partitions, data.trainRows(),
        data.testRows(), Blas.describe(), System.getenv("OPENBLAS_NUM_THREADS"), System.getProperty("java.version"));

    // Untimed warm-up: the JIT compiles Spark's scheduler, the mesh and Downhill's kernels once per JVM.
    // Without it the first measured run pays for every later one (its first epoch ran 4x slower).
    int warmupSteps = BatchPlan.stepsPerEpoch(data.trainRows(), 256);
    TrainingConfig softmaxWarm = TrainingConfig.builder().schedule("step").batchSize(256).epochs(2).build();
    DownhillRun.run("warm-up", "warm-up", 1, DownhillRun.COLLECTIVE, "", jsc, data, softmaxWarm, 1.0);
    for (TrainingConfig warm : List.of(softmaxWarm,
        TrainingConfig.builder().hidden(List.of(100)).optimizer("adam").learningRate(0.002).batchSize(256).epochs(1)
            .build(),
        TrainingConfig.builder().schedule("step").batchSize(256).epochs(1).localSteps(8).build())) {
      DownhillRun.run("warm-up", "warm-up", warm.localSteps(), DownhillRun.JOBS, "", jsc, data, warm, 1.0);
    }
    System.err.printf(Locale.ROOT, "bench: warm-up done (%d steps per epoch)%n", warmupSteps);
    machineLimits(data, cores);

    List<DownhillRun> runs = new ArrayList<>();
    int steps = BatchPlan.stepsPerEpoch(data.trainRows(), 256);
    TrainingConfig.Builder softmax = TrainingConfig.builder().learningRate(0.1).schedule("step").lrDecay(0.8)
        .batchSize(256).epochs(softmaxEpochs);
    for (int k : new int[] {1, 8, steps}) {
      runs.addAll(runs("softmax", k, steps, "sgd lr 0.1 ×0.8/epoch, batch 256", jsc, data,
          softmax.localSteps(k).build(), 0.84));
    }
    for (int h : quick ? new int[] {100} : new int[] {100, 256}) {
      TrainingConfig.Builder adam = TrainingConfig.builder().hidden(List.of(h)).optimizer("adam").learningRate(0.002)
          .schedule("cosine").batchSize(256).epochs(mlpEpochs);
      for (int k : quick ? new int[] {1} : new int[] {1, 8}) {
        runs.addAll(runs("mlp-" + h + " adam", k, steps, "adam lr 0.002 cosine, batch 256", jsc, data,
            adam.localSteps(k).build(), 0.88));
      }
      TrainingConfig.Builder sgd = TrainingConfig.builder().hidden(List.of(h)).optimizer("sgd").learningRate(0.3)
          .schedule("cosine").batchSize(256).epochs(mlpEpochs);
      for (int k : quick ? new int[] {steps / 5, steps} : new int[] {1, steps / 5, steps}) {
        runs.addAll(runs("mlp-" + h + " sgd", k, steps, "sgd lr 0.3 cosine, batch 256", jsc, data,
            sgd.localSteps(k).build(), 0.88));
      }
    }
    List<DownhillRun> computeBound = new ArrayList<>();
    TrainingConfig.Builder wide = TrainingConfig.builder().hidden(List.of(1024)).optimizer("adam")
        .learningRate(0.001).batchSize(1024).epochs(quick ? 1 : 2);
    for (int k : quick ? new int[] {1} : new int[] {1, 4}) {
      computeBound.addAll(runs("mlp-1024 adam, batch 1024", k, BatchPlan.stepsPerEpoch(data.trainRows(), 1024),
          "adam lr 0.001, batch 1024", jsc, data, wide.localSteps(k).build(), 0.88));
    }
    kernel = DownhillRun.kernel(data, wide.localSteps(1).build());
    results.put("compute_bound_kernel_ms", kernel[0]).put("compute_bound_kernel_gflops", kernel[1]);
    // Spark's floor, measured now that the JVM and Spark's scheduler are as warm as during the runs.
    double jobFloor = jobFloorMs(jsc, data);

    JsonNode numpy = skip.contains("numpy") ? null : NumpyReference.run(python, fashion, softmaxEpochs, mlpEpochs,
        quick ? "100" : "100,256", results, console);
    List<SparkBaselines.Fit> fits = skip.contains("spark-ml") ? List.of() : sparkBaselines(spark, data);

    BenchReport report = new BenchReport(console, gemm, kernel, dataPassSeconds, partitions);
    report.print(runs, computeBound, numpy, fits, jobFloor);
    report.printSync(runs, computeBound, numpy);
    if (!skip.contains("mesh")) {
      MeshBench.Costs mesh = MeshBench.measure(2, quick ? 100 : 400);
      MeshBench.print(mesh, console);
      results.putObject("mesh").put("members", mesh.members()).put("alpha_seconds", mesh.alpha())
          .put("beta_seconds_per_byte", mesh.beta());
    }
    if (!quick && !skip.contains("scale")) {
      scale(spark, jsc, fashion, data);
    }
    // A barrier stage needs a task slot per partition: 4 and 8 partitions need more than local[2]'s.
    String scaleMaster = jsc.master().startsWith("local") ? "local[8]" : jsc.master();
    spark.stop();
    if (!quick && !skip.contains("scale")) {
      SparkSession scaleSession = SparkSessions.start(scaleMaster, "downhill bench scale", conf);
      try {
        CollectiveScale.run(scaleSession, fashion, List.of(1, 2, 4, 8), console, results);
      } finally {
        scaleSession.stop();
      }
    }
    Path file = out != null ? out : Path.of("runs", "bench", "bench-" + mode + ".json");
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writeValue(file.toFile(), results);
    console.println("\nnumbers: " + file);
    return 0;
  }

  /**
   * The run of {@code config}; at K=1 (exact synchronous steps) twice, a Spark job per step and
   * collective, side by side.
   */
  private List<DownhillRun> runs(String model, int k, int stepsPerEpoch, String settings, JavaSparkContext jsc,
      TrainingData data, TrainingConfig config, double target) {
    List<DownhillRun> done = new ArrayList<>();
    for (String sync : k == 1 ? List.of(DownhillRun.JOBS, DownhillRun.COLLECTIVE) : List.of(DownhillRun.JOBS)) {
      String name = model + ", K=" + (k == stepsPerEpoch ? k + " (one job per epoch)" : k) + (k == 1 ? ", " + sync : "");
      DownhillRun r = DownhillRun.run(name, model, k, sync, settings + ", K=" + k, jsc, data, config, target);
      results.withArray("downhill").addPOJO(r);
      System.err.printf(Locale.ROOT, "bench: %-40s best %.4f, %.2f s per epoch (%s)%n", name, r.bestAccuracy(),
          r.secondsPerEpoch(), r.sync());
      done.add(r);
    }
    return done;
  }

  // ---------------------------------------------------------------- machine limits

  private Map<String, double[]> gemm;
  private double[] kernel;
  private double dataPassSeconds;
  private int partitions;

  private void machineLimits(TrainingData data, int cores) throws Exception {
    List<MachineLimits.Shape> shapes = List.of(
        new MachineLimits.Shape(128, 784, 10, false), new MachineLimits.Shape(784, 128, 10, true),
        new MachineLimits.Shape(128, 784, 100, false), new MachineLimits.Shape(784, 128, 100, true),
        new MachineLimits.Shape(128, 784, 256, false), new MachineLimits.Shape(784, 128, 256, true),
        new MachineLimits.Shape(512, 784, 1024, false), new MachineLimits.Shape(784, 512, 1024, true));
    gemm = MachineLimits.gemmRates(shapes, cores);
    // One pass over the cached training blocks, measured inside the tasks (the partitions in parallel).
    List<Double> passes = data.train().map(shard -> MachineLimits.dataPass(List.of(shard))).collect();
    dataPassSeconds = Collections.max(passes);
    ObjectNode limits = results.putObject("machine");
    gemm.forEach((shape, r) -> limits.putArray(shape).add(r[0]).add(r[1]));
    limits.put("data_pass_seconds", dataPassSeconds);
    console.printf(Locale.ROOT, "%n## The machine's limits%n%n| GEMM, float32 | GFLOP/s, 1 thread | GFLOP/s per thread, %d at once |"
        + "%n| --- | --- | --- |%n", cores);
    gemm.forEach((shape, r) -> console.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", shape, r[0], r[1]));
    console.printf(Locale.ROOT, "%nOne pass over the cached float32 training blocks (%d partitions in parallel): %.1f ms%n",
        data.train().getNumPartitions(), 1000 * dataPassSeconds);
  }

  /**
   * The median time of a job over the cached training blocks that computes nothing, through the
   * same path as a step's job ({@link PartitionJob}): Spark's floor.
   */
  private double jobFloorMs(JavaSparkContext jsc, TrainingData data) {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      long t0 = System.nanoTime();
      jsc.setCallSite("downhill bench: empty job");
      PartitionJob.run(data.train().rdd(), (shard, p) -> 1L, Long::sum, Long.class);
      if (i >= 50) {
        times.add((System.nanoTime() - t0) / 1e6);
      }
    }
    Collections.sort(times);
    double floor = times.get(times.size() / 2);
    results.put("job_floor_ms", floor);
    return floor;
  }

  // ---------------------------------------------------------------- the alternatives

  private List<SparkBaselines.Fit> sparkBaselines(SparkSession spark, TrainingData data) {
    Dataset<Row> train = SparkBaselines.frame(spark, data.train());
    Dataset<Row> test = SparkBaselines.frame(spark, data.test());
    List<SparkBaselines.Fit> fits = new ArrayList<>();
    for (int it : quick ? new int[] {20} : new int[] {20, 50, 100}) {
      fits.add(note(SparkBaselines.logisticRegression(train, test, it)));
    }
    for (int it : quick ? new int[] {20} : new int[] {20, 50, 100}) {
      fits.add(note(SparkBaselines.perceptron(train, test, 100, it)));
    }
    for (int it : quick ? new int[] {100} : new int[] {100, 300, 1000}) {
      fits.add(note(SparkBaselines.mllibSgd(data, 1.0, it)));
    }
    train.unpersist();
    test.unpersist();
    return fits;
  }

  private SparkBaselines.Fit note(SparkBaselines.Fit f) {
    results.withArray("spark").addPOJO(f);
    System.err.printf(Locale.ROOT, "bench: %s (%s): %.4f in %.1f s%n", f.system(), f.settings(), f.accuracy(),
        f.seconds());
    return f;
  }

  // ---------------------------------------------------------------- scale

  private void scale(SparkSession spark, JavaSparkContext jsc, DataSpec fashion, TrainingData data) {
    console.printf(Locale.ROOT, "%n## Scale (softmax, K=1, a job per step, batch 256, one epoch)%n%n| training rows | partitions | "
        + "seconds per epoch | rows per second | cached bytes per row |%n| --- | --- | --- | --- | --- |%n");
    TrainingConfig oneEpoch = TrainingConfig.builder().learningRate(0.1).schedule("step").batchSize(256).epochs(1)
        .build();
    for (int copies : new int[] {1, 4, 16}) {
      JavaRDD<Shard> replicated = copies == 1 ? data.train()
          : data.train().map(shard -> replicate(shard, copies)).persist(StorageLevel.MEMORY_ONLY());
      long rows = replicated.map(Shard::rows).reduce(Integer::sum);
      long bytes = replicated.map(Shard::bytes).reduce(Long::sum);
      TrainingData bigger = new TrainingData(replicated, null, data.test(), data.features(), data.labels(), null, rows, 0,
          data.testRows(), data.preprocess(), null, null, bytes, 0L, data.storage());
      DownhillRun r = DownhillRun.run("scale x" + copies, "softmax", 1, DownhillRun.JOBS, "", jsc, bigger, oneEpoch,
          0.84);
      console.printf(Locale.ROOT, "| %d (%dx) | %d | %.2f | %.0f | %.0f |%n", rows, copies,
          replicated.getNumPartitions(), r.trainSeconds(), rows / r.trainSeconds(), (double) bytes / rows);
      results.withArray("scale").addObject().put("copies", copies).put("rows", rows)
          .put("partitions", replicated.getNumPartitions()).put("seconds_per_epoch", r.trainSeconds())
          .put("bytes_per_row", (double) bytes / rows);
      if (copies > 1) {
        replicated.unpersist();
      }
    }
    for (int p : new int[] {1, 4}) {
      TrainingData other = DataLoader.load(spark, DataLoader.Settings.builder(fashion).valFraction(0).partitions(p)
          .build());
      DownhillRun r = DownhillRun.run("partitions " + p, "softmax", 1, DownhillRun.JOBS, "", jsc, other, oneEpoch,
          0.84);
      console.printf(Locale.ROOT, "| %d | %d | %.2f | %.0f | %.0f |%n", other.trainRows(), p, r.trainSeconds(),
          other.trainRows() / r.trainSeconds(), (double) other.cachedBytes() / (other.trainRows() + other.testRows()));
      results.withArray("scale").addObject().put("copies", 1).put("rows", other.trainRows()).put("partitions", p)
          .put("seconds_per_epoch", r.trainSeconds());
      other.unpersist();
    }
  }

  /** A shard holding every row of {@code shard} {@code copies} times, in new arrays (real memory, real passes). */
  static Shard replicate(Shard shard, int copies) {
    BlockBuilder builder = new BlockBuilder(shard.precision(), shard.cols(), shard.blockRows(), false);
    double[] row = new double[shard.cols()];
    for (int c = 0; c < copies; c++) {
      for (Block b : shard.blocks()) {
        for (int i = 0; i < b.rows(); i++) {
          builder.addDense(b.row(i, row), b.labels()[i], 1.0);
        }
      }
    }
    return builder.build();
  }
}
