package io.downhill.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.ml.DownhillRegressionModel;
import io.downhill.ml.DownhillRegressor;
import io.downhill.spark.SparkSessions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench regress}: Downhill's squared loss ({@link DownhillRegressor}, linear and an
 * mlp) against Spark ML's {@code LinearRegression} (no regularization: ordinary least squares) on
 * two generated regressions with a known truth, fitted on the same cached, standardized rows in the
 * same SparkSession; test RMSE, MAE and R² by Spark's {@code RegressionEvaluator}, and the seconds of
 * each {@code fit} (the median of {@code --repeats}, after one untimed fit of each system on a small
 * set). The sets:
 * <ul>
 *   <li>{@code linear}: {@code y = w·x + b + σε}, {@code x} and {@code ε} standard normal
 *       ({@value #LINEAR_D} features, w_j = (-1)^j (1 + j/4), b = 3, σ = 0.5): least squares is the
 *       right model; the fitted coefficients' largest distance from the truth is printed too;
 *   <li>{@code friedman1}: Friedman's (1991) first benchmark function, {@code y = 10 sin(π x1 x2) +
 *       20 (x3 - ½)² + 10 x4 + 5 x5 + ε} over {@code x ~ U(0,1)^10} (five of the ten features
 *       unused): nonlinear, where a linear model leaves about a quarter of the variance unexplained.
 * </ul>
 */
@Command(name = "regress", mixinStandardHelpOptions = true,
    description = "DownhillRegressor (linear, mlp) against Spark ML LinearRegression on generated regressions.")
final class RegressBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int LINEAR_D = 20;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--rows", defaultValue = "50000", description = "Training rows per set (default: ${DEFAULT-VALUE})")
  int rows;

  @Option(names = "--test-rows", defaultValue = "10000", description = "Test rows per set (default: ${DEFAULT-VALUE})")
  int testRows;

  @Option(names = "--epochs", defaultValue = "10", description = "Downhill epochs (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--repeats", defaultValue = "3",
      description = "Fits of each system per set; the median seconds are shown (default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--out", description = "Where to write the numbers as JSON (default: runs/bench/bench-regress.json)")
  Path out;

  private final PrintStream console = System.out;

  /** One row of the table. */
  private record Fit(String data, String system, String settings, double rmse, double mae, double r2, double seconds,
      double coefficientError) {}

  @Override
  public Integer call() throws Exception {
    SparkSession spark = SparkSessions.start(master, "downhill bench regress", Map.of("spark.ui.enabled", "false"));
    int partitions = spark.sparkContext().defaultParallelism();
    double[] w = new double[LINEAR_D];
    for (int j = 0; j < LINEAR_D; j++) {
      w[j] = (j % 2 == 0 ? 1 : -1) * (1 + j / 4.0);
    }
    List<Fit> fits = new ArrayList<>();
    warmUp(spark, w, partitions);
    for (String set : List.of("linear", "friedman1")) {
      boolean linear = set.equals("linear");
      Dataset<Row> rawTrain = frame(spark, rows, 1, linear, w, partitions);
      Dataset<Row> rawTest = frame(spark, testRows, 2, linear, w, partitions);
      StandardScalerModel scaler = new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true)
          .setWithStd(true).fit(rawTrain);
      Dataset<Row> train = scaler.transform(rawTrain).select("label", "features").cache();
      Dataset<Row> test = scaler.transform(rawTest).select("label", "features").cache();
      train.count();
      test.count();
      double[] truth = linear ? scaledTruth(w, scaler) : null;
      fits.add(fit(set, "Spark ML LinearRegression", "regParam 0 (least squares), solver auto", test, truth,
          () -> new LinearRegression().setRegParam(0).fit(train)));
      fits.add(fit(set, "Downhill linear", "sgd lr 0.05 constant, batch 256, " + epochs + " epochs", test, truth,
          () -> new DownhillRegressor().setLearningRate(0.05).setSchedule("constant").setBatchSize(256)
              .setEpochs(epochs).setNumPartitions(partitions).setSeed(1).fit(train)));
      fits.add(fit(set, "Downhill mlp", "64-32 relu, adam lr 0.003, batch 256, " + epochs + " epochs", test, null,
          () -> new DownhillRegressor().setModelType("mlp").setHiddenLayers(new int[] {64, 32}).setOptimizer("adam")
              .setLearningRate(0.003).setSchedule("constant").setBatchSize(256).setEpochs(epochs)
              .setNumPartitions(partitions).setSeed(1).fit(train)));
      train.unpersist();
      test.unpersist();
    }
    console.printf(Locale.ROOT, "# Regression: Downhill against Spark ML LinearRegression%n%n%s, %d partitions, %d "
        + "training and %d test rows per set, standardized (StandardScaler fitted on the training rows)%n%n",
        master, partitions, rows, testRows);
    console.println("| data | system | settings | test RMSE | test MAE | test R² | max coefficient error | fit s (median of "
        + repeats + ") |");
    console.println("|---|---|---|---:|---:|---:|---:|---:|");
    ArrayNode json = JSON.createArrayNode();
    for (Fit f : fits) {
      console.printf(Locale.ROOT, "| %s | %s | %s | %.4f | %.4f | %.4f | %s | %.1f |%n", f.data(), f.system(),
          f.settings(), f.rmse(), f.mae(), f.r2(), Double.isNaN(f.coefficientError()) ? "-"
              : String.format(Locale.ROOT, "%.4f", f.coefficientError()), f.seconds());
      ObjectNode o = json.addObject().put("data", f.data()).put("system", f.system()).put("settings", f.settings())
          .put("rmse", f.rmse()).put("mae", f.mae()).put("r2", f.r2()).put("median_seconds", f.seconds());
      if (!Double.isNaN(f.coefficientError())) {
        o.put("max_coefficient_error", f.coefficientError());
      }
    }
    ObjectNode results = JSON.createObjectNode().put("master", master).put("partitions", partitions)
        .put("rows", rows).put("test_rows", testRows).put("repeats", repeats);
    results.set("fits", json);
    Path file = out != null ? out : Path.of("runs", "bench", "bench-regress.json");
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writeValue(file.toFile(), results);
    console.println("numbers: " + file);
    spark.stop();
    return 0;
  }

  /**
   * One untimed fit of each system on a small set first, so that no timed fit pays for the JVM's
   * first Spark jobs and compilations (whichever ran first would).
   */
  private static void warmUp(SparkSession spark, double[] w, int partitions) {
    Dataset<Row> small = new StandardScaler().setInputCol("raw").setOutputCol("features").fit(
        frame(spark, 5000, 3, true, w, partitions)).transform(frame(spark, 5000, 3, true, w, partitions)).cache();
    new LinearRegression().setRegParam(0).fit(small);
    new DownhillRegressor().setEpochs(1).setNumPartitions(partitions).fit(small);
    new DownhillRegressor().setModelType("mlp").setHiddenLayers(new int[] {8}).setEpochs(1)
        .setNumPartitions(partitions).fit(small);
    small.unpersist();
  }

  /** Fits (timed), scores the test rows, and for a linear model measures its coefficients against {@code truth}. */
  private Fit fit(String data, String system, String settings, Dataset<Row> test, double[] truth,
      Supplier<Model<?>> fit) {
    List<Double> times = new ArrayList<>();
    Model<?> model = null;
    for (int r = 0; r < repeats; r++) { // the same seeded fit each time: only the time differs
      long t0 = System.nanoTime();
      model = fit.get();
      times.add((System.nanoTime() - t0) / 1e9);
    }
    times.sort(null);
    double seconds = times.get(times.size() / 2);
    Dataset<Row> predicted = model.transform(test).cache();
    RegressionEvaluator e = new RegressionEvaluator();
    double rmse = e.setMetricName("rmse").evaluate(predicted);
    double mae = e.setMetricName("mae").evaluate(predicted);
    double r2 = e.setMetricName("r2").evaluate(predicted);
    predicted.unpersist();
    double error = Double.NaN;
    if (truth != null) {
      double[] coefficients = model instanceof LinearRegressionModel lr ? lr.coefficients().toArray()
          : ((DownhillRegressionModel) model).weights(); // linear: W (d x 1) first, then b
      error = 0;
      for (int j = 0; j < truth.length; j++) {
        error = Math.max(error, Math.abs(coefficients[j] - truth[j]));
      }
    }
    System.err.printf(Locale.ROOT, "bench regress: %s, %s: RMSE %.4f, R² %.4f in %.1f s%n", data, system, rmse, r2,
        seconds);
    return new Fit(data, system, settings, rmse, mae, r2, seconds, error);
  }

  /** The truth in standardized features: z_j = (x_j - μ_j) / σ_j, so y = Σ (w_j σ_j) z_j + ...; w_j σ_j. */
  private static double[] scaledTruth(double[] w, StandardScalerModel scaler) {
    double[] sd = scaler.std().toArray();
    double[] t = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      t[j] = w[j] * sd[j];
    }
    return t;
  }

  /** {@code n} seeded rows of one set, as (label, raw vector), in {@code partitions} partitions. */
  private static Dataset<Row> frame(SparkSession spark, int n, long seed, boolean linear, double[] w, int partitions) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] x = new double[linear ? w.length : 10];
      double y;
      if (linear) {
        y = 3;
        for (int j = 0; j < x.length; j++) {
          x[j] = rng.nextGaussian();
          y += w[j] * x[j];
        }
        y += 0.5 * rng.nextGaussian();
      } else {
        for (int j = 0; j < x.length; j++) {
          x[j] = rng.nextDouble();
        }
        y = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] + 5 * x[4]
            + rng.nextGaussian();
      }
      list.add(RowFactory.create(y, Vectors.dense(x)));
    }
    StructType schema = new StructType().add("label", DataTypes.DoubleType, false)
        .add("raw", SQLDataTypes.VectorType(), false);
    return spark.createDataFrame(list, schema).repartition(partitions);
  }
}
