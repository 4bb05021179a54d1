package io.downhill.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.data.DataSpec;
import io.downhill.data.Storage;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import io.downhill.spark.SparkGradientSource;
import io.downhill.spark.SparkSessions;
import io.downhill.spark.TrainingData;
import io.downhill.train.EpochRecord;
import io.downhill.train.StepRecord;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingListener;
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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code scripts/bench sparse}: wide sparse data (generated, {@link PlantedSparse}), Downhill's
 * CSR path against Spark ML's LogisticRegression on the same cached DataFrame and partitions:
 * time to the same validation accuracy, and the memory of each system's cached training data per
 * non-zero.
 */
@Command(name = "sparse", mixinStandardHelpOptions = true,
    description = "Downhill against Spark ML LogisticRegression on generated wide sparse data.")
final class SparseBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--quick", description = "200,000 rows of 2^18 features: under 5 minutes")
  boolean quick;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--rows", description = "Training rows (default: 1,000,000; quick 200,000)")
  Integer rows;

  @Option(names = "--features", description = "Features (default: 2^20; quick 2^18)")
  Integer features;

  @Option(names = "--nnz", defaultValue = "50", description = "Non-zeros drawn per row (default: ${DEFAULT-VALUE})")
  int nnz;

  @Option(names = "--skew", defaultValue = "3", description = "Feature j drawn as d·u^SKEW (default: ${DEFAULT-VALUE})")
  double skew;

  @Option(names = "--spark-reg", defaultValue = "1e-5", description = "LogisticRegression's regParam (default: ${DEFAULT-VALUE})")
  double sparkReg;

  @Option(names = "--spark-max-iter", split = ",", paramLabel = "N",
      description = "LogisticRegression's maxIter values, each a whole fit (default: 5,10,25,50; quick 5,10,25)")
  List<Integer> sparkMaxIter = new ArrayList<>();

  @Option(names = "--only", split = ",", description = "Tasks to run: logistic, softmax (default: both)")
  List<String> only = new ArrayList<>();

  @Option(names = "--out", description = "Where to write the numbers as JSON (default: runs/bench/sparse-MODE.json)")
  Path out;

  @Spec
  CommandSpec spec;

  private final PrintStream console = System.out;
  private final ObjectNode results = JSON.createObjectNode();
  private final CacheWatch watch = new CacheWatch();

  @Override
  public Integer call() throws Exception {
    check();
    String mode = quick ? "quick" : "full";
    long n = rows != null ? rows : quick ? 200_000 : 1_000_000;
    int d = features != null ? features : quick ? 1 << 18 : 1 << 20;
    long validation = Math.max(10_000, n / 10);
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.start(master, "downhill sparse bench", conf);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    spark.sparkContext().addSparkListener(watch);
    int partitions = jsc.defaultParallelism();
    results.put("mode", mode).put("master", jsc.master()).put("partitions", partitions).put("rows", n)
        .put("features", d).put("nnz_drawn", nnz).put("validation_rows", validation);
    console.printf(Locale.ROOT, "# Downhill sparse benchmark (%s)%n%n%s, %d partitions, %,d training and %,d "
        + "validation rows, %,d features, %d features drawn per row, Java %s%n", mode, jsc.master(), partitions, n,
        validation, d, nnz, System.getProperty("java.version"));

    warmUp(spark, partitions);
    for (Task task : List.of(new Task("logistic", 2, "logistic"), new Task("softmax", 4, "softmax"))) {
      if (!only.isEmpty() && !only.contains(task.name)) {
        continue;
      }
      runTask(spark, jsc, task, n, d, validation, partitions);
    }
    Path file = out != null ? out : Path.of("runs", "bench", "sparse-" + mode + ".json");
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writeValue(file.toFile(), results);
    console.println("\nnumbers: " + file);
    spark.stop();
    return 0;
  }

  /** Nonsense settings fail before Spark starts, naming the flag, what it takes and what it got. */
  private void check() {
    List<String> bad = new ArrayList<>();
    if (rows != null && rows < 1) {
      bad.add("--rows: expected at least 1, found " + rows);
    }
    if (features != null && features < 1) {
      bad.add("--features: expected at least 1, found " + features);
    }
    if (nnz < 1) {
      bad.add("--nnz: expected at least 1, found " + nnz);
    }
    if (!(skew > 0) || Double.isInfinite(skew)) {
      bad.add("--skew: expected a positive number, found " + skew);
    }
    if (!(sparkReg >= 0) || Double.isInfinite(sparkReg)) {
      bad.add("--spark-reg: expected a number >= 0, found " + sparkReg);
    }
    sparkMaxIter.stream().filter(m -> m < 1).findFirst()
        .ifPresent(m -> bad.add("--spark-max-iter: expected values of at least 1, found " + m));
    only.stream().filter(t -> !t.equals("logistic") && !t.equals("softmax")).findFirst()
        .ifPresent(t -> bad.add("--only: expected logistic or softmax, found " + t));
    if (!bad.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("; ", bad));
    }
  }

  private record Task(String name, int classes, String loss) {}

  /** One training run's validation accuracy after each epoch, against the seconds spent training so far. */
  private record Curve(String name, String settings, double loadSeconds, List<Double> seconds, List<Double> accuracy,
      double medianStepMs) {
    double best() {
      return accuracy.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Training seconds until the accuracy first reaches {@code target}, or NaN. */
    double secondsTo(double target) {
      for (int i = 0; i < accuracy.size(); i++) {
        if (accuracy.get(i) >= target) {
          return seconds.get(i);
        }
      }
      return Double.NaN;
    }
  }

  private record Fit(int maxIter, int iterations, double seconds, double accuracy) {}

  private void warmUp(SparkSession spark, int partitions) {
    PlantedSparse gen = new PlantedSparse(1 << 16, nnz, 2, 4.0, skew, 7);
    Dataset<Row> train = gen.frame(spark, 0, 20_000, partitions).persist(StorageLevel.MEMORY_ONLY());
    Dataset<Row> val = gen.frame(spark, 20_000, 5_000, partitions).persist(StorageLevel.MEMORY_ONLY());
    TrainingData data = load(spark, train, val, partitions);
    train(JavaSparkContext.fromSparkContext(spark.sparkContext()), data, "warm-up",
        TrainingConfig.builder().loss("logistic").optimizer("adagrad").learningRate(0.1).schedule("step")
            .batchSize(1000).epochs(2)
            .build(), 0, false);
    new LogisticRegression().setMaxIter(5).fit(train);
    data.unpersist();
    train.unpersist();
    val.unpersist();
    System.err.println("bench: warm-up done");
  }

  private TrainingData load(SparkSession spark, Dataset<Row> train, Dataset<Row> val, int partitions) {
    return DataLoader.load(spark, train, val, DataLoader.Settings.builder(DataSpec.dataFrame("generated"))
        .valFraction(0).partitions(partitions).preprocess(Preprocess.NONE).storage(Storage.AUTO).build());
  }

  private void runTask(SparkSession spark, JavaSparkContext jsc, Task task, long n, int d, long validation,
      int partitions) throws Exception {
    PlantedSparse gen = new PlantedSparse(d, nnz, task.classes, 4.0, skew, 42);
    Dataset<Row> train = gen.frame(spark, 0, n, partitions).persist(StorageLevel.MEMORY_ONLY());
    Dataset<Row> val = gen.frame(spark, n, validation, partitions).persist(StorageLevel.MEMORY_ONLY());
    long nonZeros = train.javaRDD().map(r -> (long) ((Vector) r.get(1)).numNonzeros()).reduce(Long::sum);
    val.count();
    ObjectNode json = results.putObject(task.name);
    json.put("classes", task.classes).put("non_zeros", nonZeros).put("non_zeros_per_row", (double) nonZeros / n);
    console.printf(Locale.ROOT, "%n## %s: %d classes, %,d non-zeros (%.1f per row)%n%n", task.name, task.classes,
        nonZeros, (double) nonZeros / n);

    // Spark ML first: its best accuracy sets the target both must reach.
    List<Fit> fits = new ArrayList<>();
    watch.clear();
    for (int maxIter : !sparkMaxIter.isEmpty() ? sparkMaxIter : quick ? List.of(5, 10, 25) : List.of(5, 10, 25, 50)) {
      fits.add(sparkFit(train, val, task, maxIter));
    }
    Object[] lrBlocks = watch.bytesNamed("training blocks");

    long t0 = System.nanoTime();
    TrainingData data = load(spark, train, val, partitions);
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    long downhillBytes = rddBytes(jsc, data.train().id());
    List<Curve> curves = new ArrayList<>();
    List<TrainingConfig> configs = configs(task, quick);
    // SparkGradientSource's own choice of dense gradients or touched rows, for this model size
    TrainingConfig first = configs.get(0);
    int p = io.downhill.train.Fit.of(first, d, task.classes, "bench " + task.name, null).model().layout().size();
    boolean denseByDefault = !SparkGradientSource.rowSparseGradients(p, first.precision());
    for (TrainingConfig config : configs) {
      curves.add(train(jsc, data, describe(config), config, loadSeconds, denseByDefault));
    }
    // Touched rows against dense gradients, per step: one epoch each, alternated twice, the second pair counted
    // (on the 1-core executors of a cluster, whichever ran first was up to 20 ms per step slower: warm-up, not
    // transport).
    TrainingConfig oneEpoch = config(task, 1);
    Curve rows = null;
    Curve dense = null;
    for (int round = 0; round < 2; round++) {
      rows = train(jsc, data, describe(oneEpoch) + ", row-sparse gradients", oneEpoch, loadSeconds, false);
      dense = train(jsc, data, describe(oneEpoch) + ", dense gradients", oneEpoch, loadSeconds, true);
    }
    json.put("median_step_ms_row_sparse", rows.medianStepMs()).put("median_step_ms_dense", dense.medianStepMs());
    double broadcastMs = broadcastMs(jsc, p);
    json.put("parameters", p).put("broadcast_ms", broadcastMs);
    console.printf(Locale.ROOT, "Per step (median of one epoch, the second of two alternating pairs, %,d parameters): "
        + "%.1f ms with row-sparse gradients, %.1f ms with dense gradients (%s by default here); publishing θ as a "
        + "broadcast (float32, %.1f MB) takes %.1f ms of it.%n%n", p,
        rows.medianStepMs(), dense.medianStepMs(), denseByDefault ? "dense" : "row-sparse", 4.0 * p / (1 << 20),
        broadcastMs);
    data.unpersist();
    train.unpersist();
    val.unpersist();
    report(json, task, fits, curves, nonZeros, (long) lrBlocks[0], (String) lrBlocks[1], downhillBytes, data);
  }

  private static List<TrainingConfig> configs(Task task, boolean quick) {
    return List.of(config(task, quick ? 3 : 4));
  }

  private static TrainingConfig config(Task task, int epochs) {
    return TrainingConfig.builder().loss(task.loss).optimizer("adagrad").learningRate(0.2).schedule("step")
        .batchSize(8192).reg(1e-7).epochs(epochs).build();
  }

  private static String describe(TrainingConfig c) {
    return String.format(Locale.ROOT, "%s lr %s, batch %d, reg %s, K=%d", c.optimizer().name(), c.learningRate(),
        c.batchSize(), c.regularizer().lambda(), c.localSteps());
  }

  private Fit sparkFit(Dataset<Row> train, Dataset<Row> val, Task task, int maxIter) {
    long t0 = System.nanoTime();
    LogisticRegressionModel model = new LogisticRegression()
        .setFamily(task.classes == 2 ? "binomial" : "multinomial").setRegParam(sparkReg).setStandardization(false).setMaxIter(maxIter).fit(train);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(val));
    System.err.printf(Locale.ROOT, "bench: Spark LR maxIter %d: %.1f s, accuracy %.4f%n", maxIter, seconds, accuracy);
    return new Fit(maxIter, model.summary().totalIterations(), seconds, accuracy);
  }

  private Curve train(JavaSparkContext jsc, TrainingData data, String name, TrainingConfig config,
      double loadSeconds, boolean denseGradients) {
    io.downhill.train.Fit fit = io.downhill.train.Fit.of(config, data.features(), data.labels().numClasses(),
        "bench " + name, null);
    List<Double> seconds = new ArrayList<>();
    List<Double> accuracy = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    double[] trained = {0};
    TrainingListener listener = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        steps.add(s.seconds());
      }

      @Override
      public void onEpoch(EpochRecord e) {
        trained[0] += e.stepSeconds();
        seconds.add(trained[0]);
        accuracy.add(e.test().accuracy());
      }
    };
    int p = fit.model().layout().size();
    fit.run(c -> new SparkGradientSource(jsc, data, denseGradients ? c.denseGradients() : c,
        SparkGradientSource.Transport.auto(p), SparkGradientSource.treeDepth(data.train().getNumPartitions(), 8L * p)),
        null, List.of(listener));
    Collections.sort(steps);
    Curve c = new Curve(name, describe(config), loadSeconds, seconds, accuracy,
        steps.isEmpty() ? Double.NaN : 1000 * steps.get(steps.size() / 2));
    System.err.printf(Locale.ROOT, "bench: Downhill %s: accuracy by epoch %s, seconds %s, median step %.1f ms%n",
        name, accuracy, seconds, c.medianStepMs());
    return c;
  }

  /** Median milliseconds to create (and later destroy) a broadcast of {@code p} float32 values on the driver. */
  private static double broadcastMs(JavaSparkContext jsc, int p) {
    io.downhill.linalg.Buf theta = io.downhill.linalg.Buf.allocate(io.downhill.linalg.Precision.FLOAT32, p);
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      long t0 = System.nanoTime();
      org.apache.spark.broadcast.Broadcast<io.downhill.linalg.Buf> b = jsc.broadcast(theta);
      ms.add((System.nanoTime() - t0) / 1e6);
      b.destroy();
    }
    Collections.sort(ms);
    return ms.get(ms.size() / 2);
  }

  private static long rddBytes(JavaSparkContext jsc, int id) {
    for (RDDInfo info : jsc.sc().getRDDStorageInfo()) {
      if (info.id() == id) {
        return info.memSize();
      }
    }
    return -1;
  }

  private void report(ObjectNode json, Task task, List<Fit> fits, List<Curve> curves, long nonZeros, long lrBytes,
      String lrName, long downhillBytes, TrainingData data) {
    double best = fits.stream().mapToDouble(Fit::accuracy).max().orElse(Double.NaN);
    double target = Math.floor((best - 0.005) * 1000) / 1000;
    // Spark's time: its fastest whole fit that reaches the target (fits are noisy; a longer one may be faster)
    Fit first = fits.stream().filter(f -> f.accuracy >= target).min(java.util.Comparator.comparingDouble(Fit::seconds))
        .orElse(null);
    json.put("target", target).put("spark_best", best);
    console.printf(Locale.ROOT, "Target: %.3f validation accuracy (Spark ML's best, %.4f, less 0.005).%n%n", target,
        best);
    console.println("| system | settings | reaches target | seconds to target | best accuracy |");
    console.println("| --- | --- | --- | --- | --- |");
    for (Fit f : fits) {
      json.withArray("spark").addObject().put("max_iter", f.maxIter).put("iterations", f.iterations)
          .put("seconds", f.seconds).put("accuracy", f.accuracy);
      console.printf(Locale.ROOT, "| Spark ML LogisticRegression | %s, L-BFGS, regParam %s, no standardization, "
          + "maxIter %d (%d iterations) | %s | %.1f (the whole fit) | %.4f |%n",
          task.classes == 2 ? "binomial" : "multinomial", sparkReg, f.maxIter,
          f.iterations, f.accuracy >= target ? "yes" : "no", f.seconds, f.accuracy);
    }
    for (Curve c : curves) {
      double to = c.secondsTo(target);
      json.withArray("downhill").addObject().put("settings", c.settings).put("load_seconds", c.loadSeconds)
          .put("seconds_to_target", to).put("best", c.best()).put("median_step_ms", c.medianStepMs)
          .putPOJO("seconds", c.seconds).putPOJO("accuracy", c.accuracy);
      console.printf(Locale.ROOT, "| Downhill | %s | %s | %s | %.4f |%n", c.settings,
          Double.isNaN(to) ? "no" : "epoch " + (c.accuracy.indexOf(c.accuracy.stream().filter(a -> a >= target)
              .findFirst().get()) + 1),
          Double.isNaN(to) ? "-" : String.format(Locale.ROOT, "%.1f (%.1f blocking + %.1f training)",
              c.loadSeconds + to, c.loadSeconds, to), c.best());
      if (first != null && !Double.isNaN(to)) {
        double ratio = first.seconds / (c.loadSeconds + to);
        json.put("speedup_" + c.settings, ratio);
        console.printf(Locale.ROOT, "%nDownhill (%s) reaches %.3f %.1fx sooner than LogisticRegression (%.1f s against %.1f s).%n",
            c.settings, target, ratio, c.loadSeconds + to, first.seconds);
      }
    }
    console.printf(Locale.ROOT, "%n| cached training data | bytes | bytes per non-zero |%n| --- | --- | --- |%n");
    console.printf(Locale.ROOT, "| Downhill CSR blocks (%s, Spark's estimate) | %,d | %.1f |%n",
        data.train().name(), downhillBytes, (double) downhillBytes / nonZeros);
    console.printf(Locale.ROOT, "| LogisticRegression's blocks (%s) | %,d | %.1f |%n", lrName, lrBytes,
        (double) lrBytes / nonZeros);
    json.put("downhill_bytes", downhillBytes).put("spark_lr_bytes", lrBytes)
        .put("downhill_bytes_per_nnz", (double) downhillBytes / nonZeros)
        .put("spark_lr_bytes_per_nnz", (double) lrBytes / nonZeros);
  }
}
