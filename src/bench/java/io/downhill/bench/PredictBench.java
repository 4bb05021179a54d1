package io.downhill.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.cli.Main;
import io.downhill.data.DataSpec;
import io.downhill.spark.Sources;
import io.downhill.spark.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/bench predict}: rows per second of {@code downhill predict} against the Spark
 * program a user would write instead, on the same data in the same JVM and SparkSession:
 * {@code PipelineModel.load(model).transform(rows).select(id, prediction, probability,
 * rawPrediction).write().parquet(...)}, the rows read by the same reader into the same partitions.
 * One untimed run of each first (the JIT), then {@code --repeats} pairs, alternating which goes
 * first; the medians are compared.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "downhill predict against PipelineModel.transform(...).write().parquet(...) written by hand.")
final class PredictBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--model", required = true, description = "A run folder (e.g. of scripts/downhill train --epochs 1)")
  Path model;

  @Option(names = "--data", defaultValue = "fashion-mnist", description = "Data spec to score (default: ${DEFAULT-VALUE})")
  String data;

  @Option(names = "--split", defaultValue = "train",
      description = "Split of a directory format (default: ${DEFAULT-VALUE}: Fashion-MNIST's 60,000 rows)")
  String split;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--data-dir", description = "First place to look for named datasets")
  String dataDir;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed runs of each (default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--work", defaultValue = "runs/bench/predict-work",
      description = "Scratch folder for the outputs (default: ${DEFAULT-VALUE})")
  Path work;

  @Option(names = "--out", description = "Where to write the numbers as JSON (default: runs/bench/bench-predict.json)")
  Path out;

  private final PrintStream console = System.out;

  @Override
  public Integer call() throws Exception {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.start(master, "downhill bench predict", conf);
    DataSpec spec = DataSpec.parse(data, DataSpec.searchDirs(dataDir));
    boolean test = !split.equals("train");
    int partitions = spark.sparkContext().defaultParallelism();
    Path modelDir = Files.isDirectory(model.resolve("model")) ? model.resolve("model") : model;
    Files.createDirectories(work);
    Path predictOut = work.resolve("downhill");
    Path byHand = work.resolve("by-hand");

    Runnable predict = () -> {
      List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--data", data,
          "--out", predictOut.toString(), "--partitions", Integer.toString(partitions)));
      if (spec.bringsTestSplit()) {
        args.addAll(List.of("--split", split));
      }
      if (dataDir != null) {
        args.addAll(List.of("--data-dir", dataDir));
      }
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(new String[0]));
      if (code != 0) {
        throw new IllegalStateException("downhill predict exited " + code + ": " + err.toString(StandardCharsets.UTF_8));
      }
    };
    Runnable hand = () -> {
      PipelineModel pipeline = PipelineModel.load(io.downhill.spark.HadoopOpener.local(modelDir));
      var rows = Sources.read(spark, spec, test, new Sources.Options(partitions, 0, "label", "features", null, 42L))
          .frame();
      pipeline.transform(rows).select(Sources.ROW_ID, "prediction", "probability", "rawPrediction")
          .write().mode("overwrite").parquet(io.downhill.spark.HadoopOpener.local(byHand));
    };

    predict.run(); // untimed: the JIT compiles Spark's and the model's code once per JVM
    hand.run();
    long rows = JSON.readTree(predictOut.resolve("summary.json").toFile()).get("rows").asLong();
    List<Double> predictSeconds = new ArrayList<>();
    List<Double> handSeconds = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      if (i % 2 == 0) {
        predictSeconds.add(time(predict));
        handSeconds.add(time(hand));
      } else {
        handSeconds.add(time(hand));
        predictSeconds.add(time(predict));
      }
      System.err.printf(Locale.ROOT, "bench predict: pair %d: downhill predict %.2f s, by hand %.2f s%n", i + 1,
          predictSeconds.get(i), handSeconds.get(i));
    }
    double p = median(predictSeconds);
    double h = median(handSeconds);
    console.printf(Locale.ROOT, "# downhill predict against PipelineModel.transform by hand%n%n%s, %s (%s split), "
            + "%d rows, %d partitions, model %s; median of %d, alternated%n%n", spark.sparkContext().master(),
        spec.text(), split, rows, partitions, modelDir, repeats);
    console.println("| job | median s | rows/s | runs (s) |");
    console.println("|---|---:|---:|---|");
    console.printf(Locale.ROOT, "| `downhill predict` (Parquet, summary.json) | %.2f | %,.0f | %s |%n", p, rows / p,
        list(predictSeconds));
    console.printf(Locale.ROOT, "| `PipelineModel.transform(...).write().parquet(...)` | %.2f | %,.0f | %s |%n", h,
        rows / h, list(handSeconds));
    console.printf(Locale.ROOT, "%ndownhill predict / by hand: %.2fx the time%n", p / h);

    ObjectNode results = JSON.createObjectNode();
    results.put("master", spark.sparkContext().master());
    results.put("data", spec.text());
    results.put("split", split);
    results.put("rows", rows);
    results.put("partitions", partitions);
    results.put("model", modelDir.toAbsolutePath().toString());
    results.put("predict_median_seconds", p);
    results.put("by_hand_median_seconds", h);
    results.put("predict_rows_per_second", rows / p);
    results.put("by_hand_rows_per_second", rows / h);
    predictSeconds.forEach(results.putArray("predict_seconds")::add);
    handSeconds.forEach(results.putArray("by_hand_seconds")::add);
    Path file = out != null ? out : Path.of("runs", "bench", "bench-predict.json");
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writeValue(file.toFile(), results);
    console.println("numbers: " + file);
    spark.stop();
    return 0;
  }

  private static double time(Runnable r) {
    long t = System.nanoTime();
    r.run();
    return (System.nanoTime() - t) / 1e9;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static String list(List<Double> xs) {
    return String.join(", ", xs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
  }
}
