package io.downhill.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.linalg.Blas;
import io.downhill.monitor.ProgressBar;
import io.downhill.settings.SettingValues;
import io.downhill.shard.Evaluation;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.spark.DataLoader;
import io.downhill.spark.SharedJobs;
import io.downhill.spark.SparkGradientSource;
import io.downhill.spark.TrainingData;
import io.downhill.spark.Version;
import io.downhill.train.ClosableGradientSource;
import io.downhill.train.Fit;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingResult;
import io.downhill.tuning.RangeEdge;
import io.downhill.tuning.Search;
import io.downhill.tuning.SearchSpace;
import io.downhill.tuning.TrialResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code downhill search}: coarse-to-fine random search over training flags on one cached copy of
 * the data, the live trials advancing together in each Spark job ({@link SharedJobs}).
 */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Coarse-to-fine hyperparameter search: many short trials sampled from --space (learning rate and",
        "regularization in log space), then longer ones around the best. Trials share one cached copy of the data",
        "and advance together, one Spark job per step for all of them (--sync applies to --retrain's run only); a",
        "trial stops when its loss passes 3x its first value. Training flags set what is not searched. Writes",
        "DIR/leaderboard.csv, leaderboard.json,",
        "summary.json, report.html and model/ (the best trial's, or the winner retrained with --retrain)."})
final class SearchCommand implements Callable<Integer> {
  @Mixin
  TrainOptions train;
  @Mixin
  TransportOptions steps;
  @Mixin
  DataOptions data;
  @Mixin
  SparkOptions sparkOptions;

  @Option(names = "--space", paramLabel = "FILE", required = true,
      description = "Search space and stages, a properties file (see conf/search-fashion-mlp.properties)")
  Path spaceFile;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "0",
      description = "Trials advancing together, sharing each job; 0 = all of a stage, 1 = one after another "
          + "(default: ${DEFAULT-VALUE})")
  int parallel;

  @Option(names = "--compare-sequential",
      description = "Run the coarse stage a second time, one trial after another, and report the time sharing saved "
          + "(and that the results are the same)")
  boolean compareSequential;

  @Option(names = "--retrain", description = "Retrain the winner on train + validation before saving it")
  boolean retrain;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/search-DATA-MODEL)")
  Path out;

  @Mixin
  ConfOption conf;

  @Spec
  CommandSpec spec;

  private String dataName;

  @Override
  public Integer call() throws Exception {
    PrintWriter console = spec.commandLine().getOut();
    SearchSpace space = SearchSpace.parse(readOrdered(spaceFile), spaceFile.toString());
    TrialFlags flags = new TrialFlags(spec, spaceFile.toString());
    flags.check(space);
    TrainingConfig base = flags.config(space.fixed(), Map.of());
    DataSpec trainSpec = data.trainSpec(console);
    DataSpec testSpec = data.testSpec();
    dataName = trainSpec.text();
    String modelName = spec.commandLine().getParseResult().hasMatchedOption("--model") ? train.modelName()
        : space.fixed().getOrDefault("model", train.modelName());
    Path target = out != null ? out : Path.of("runs", "search-" + TrainCommand.Names.of(trainSpec) + "-" + modelName);
    long start = System.nanoTime();
    try (RunOutput output = RunOutput.create(target, "search"); Session session = new Session(sparkOptions, "downhill search", output.target())) {
      TrainingData td = DataLoader.load(session.spark, data.settings(trainSpec, testSpec, base.seed(), base.precision()));
      try {
        if (td.validation() == null) {
          throw BadInputException.of("--val-fraction", "no validation split", "a fraction > 0: trials are ranked "
              + "by validation accuracy", "0");
        }
        int k = td.labels().numClasses();
        console.printf(Locale.ROOT, "data: %s: %d train, %d validation, %d test rows; %d features, %d classes%n",
            trainSpec.text(), td.trainRows(), td.validationRows(), td.testRows(), td.features(), k);
        console.printf("space: %s%n", describe(space));
        console.printf("BLAS: driver %s%n", Blas.describe());
        SharedJobs shared = new SharedJobs(session.jsc, td);
        Search.Trials trials = trials(flags, space, td, k, shared);
        ProgressBar bar = ProgressBar.auto(console);
        Search.Listener listener = (t, done, total) -> {
          bar.clear();
          console.println(line(t, done, total));
          console.flush();
        };
        int width = parallel == 0 ? Integer.MAX_VALUE : parallel;
        Search search = new Search(space, trials, width, base.seed(), listener);

        Stage coarse = stage(console, shared, search, "coarse", search.coarse());
        Stage sequential = null;
        if (compareSequential) {
          console.printf("coarse stage again, one trial after another (--compare-sequential):%n");
          Search alone = new Search(space, trials, 1, base.seed(), (t, done, total) -> { });
          sequential = stage(console, shared, alone, "coarse", alone.coarse());
          for (String d : differences(coarse, sequential)) {
            console.println("  differs: " + d);
          }
        }
        SearchSpace fineSpace = search.fineSpace(coarse.results);
        console.printf("fine space: %s%n", describe(fineSpace));
        Stage fine = stage(console, shared, search, "fine", search.fine(coarse.results));

        List<TrialResult> all = new ArrayList<>(coarse.results);
        all.addAll(fine.results);
        List<TrialResult> ranked = all.stream().sorted(TrialResult::byAccuracy).toList();
        TrialResult best = ranked.stream().filter(t -> t.theta() != null).findFirst()
            .orElseThrow(() -> new IllegalStateException("no trial finished an epoch: every one diverged or exploded; "
                + "lower the learning-rate range in " + spaceFile));
        console.printf(Locale.ROOT, "best: trial %d (%s) %s: validation accuracy %.4f at epoch %d%n", best.id(),
            best.stage(), best.settings(), best.bestValAccuracy(), best.bestEpoch());
        RangeEdge.of(space, best.settings()).forEach(e -> console.println("  warn: " + e.message()));

        TrainingConfig bestConfig = trials.config(best.settings());
        Fit winner = trials.fit(bestConfig);
        double[] theta = best.theta();
        TrainingData saveData = td;
        Evaluation test;
        String saved = "the best trial's weights (trained on the training split)";
        TrainingResult retrained = null;
        SettingValues savedSettings = flags.values(space.fixed(), best.settings(), true);
        if (retrain) {
          Map<String, String> settings = new LinkedHashMap<>(best.settings());
          settings.put("epochs", Integer.toString(best.bestEpoch())); // and the trial's batch, though more rows:
          settings.put("batch-size", Integer.toString(bestConfig.batchSize()));
          savedSettings = flags.values(space.fixed(), settings, false);
          TrainingConfig again = TrainingConfig.from(savedSettings);
          TrainingData full = DataLoader.load(session.spark, data.settings(trainSpec, testSpec, base.seed(),
              base.precision(), 0));
          retrained = fit(again, full.features(), k).run(c -> steps.apply(new SparkGradientSource(session.jsc, full, c)),
              null, List.of());
          theta = retrained.theta();
          saveData = full;
          saved = String.format(Locale.ROOT, "the winner retrained on train + validation (%d rows, %d epochs)",
              full.trainRows(), best.bestEpoch());
        }
        try (SparkGradientSource source = new SparkGradientSource(session.jsc, saveData, winner.computer())) {
          test = source.evaluate(theta, Split.TEST);
        }
        if (test != null) {
          console.printf(Locale.ROOT, "test accuracy %.4f: %s%n", test.accuracy(), saved);
        }
        ObjectNode modelSummary = Summary.JSON.createObjectNode();
        modelSummary.put("command", "search");
        io.downhill.ml.DownhillSummary.versions(modelSummary);
        modelSummary.put("model_is", saved);
        modelSummary.put("settings", bestConfig.toString());
        modelSummary.put("data_identity", saveData.identity());
        modelSummary.put("test_accuracy", test == null ? null : test.accuracy());
        TrainCommand.saveModel(output.dir().resolve("model"), winner.model(), winner.loss(), saveData, bestConfig,
            savedSettings, trainSpec, theta, modelSummary);
        if (saveData != td) {
          saveData.unpersist();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode summary = summary(space, fineSpace, coarse, sequential, fine, best, test, saved, retrained,
            td, session.master(), seconds);
        Summary.write(output.dir().resolve("summary.json"), summary);
        io.downhill.tuning.Leaderboard.write(output.dir(), ranked, space, summary);
        io.downhill.monitor.SearchReport.write(output.dir());
        output.commit();
        console.printf(Locale.ROOT, "sharing: %d trial steps and evaluations in %d Spark jobs (%.1fx fewer jobs)%s%n",
            coarse.works + fine.works, coarse.jobs + fine.jobs,
            (double) (coarse.works + fine.works) / Math.max(1, coarse.jobs + fine.jobs),
            sequential == null ? "" : String.format(Locale.ROOT, "; coarse stage %.1f s together against %.1f s one "
                + "after another: %.2fx faster, results %s", coarse.seconds, sequential.seconds,
                sequential.seconds / coarse.seconds, differences(coarse, sequential).isEmpty() ? "identical" : "DIFFERENT"));
        console.printf(Locale.ROOT, "search took %.1f s; saved: %s (report: %s)%n", seconds, output.target(),
            output.target().resolve("report.html"));
        return ExitCodes.OK;
      } finally {
        td.unpersist();
      }
    }
  }

  /** A stage's results and what its jobs cost. */
  private record Stage(List<TrialResult> results, double seconds, long jobs, long works, double jobSeconds) {}

  private static Stage stage(PrintWriter console, SharedJobs shared, Search search, String name,
      List<Map<String, String>> settings) {
    if (settings.isEmpty()) {
      return new Stage(List.of(), 0, 0, 0, 0);
    }
    long jobs = shared.jobs();
    long works = shared.works();
    double inJobs = shared.jobSeconds();
    long t0 = System.nanoTime();
    console.printf("%s stage: %d trials%n", name, settings.size());
    List<TrialResult> results = search.run(name, settings);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Stage s = new Stage(results, seconds, shared.jobs() - jobs, shared.works() - works, shared.jobSeconds() - inJobs);
    console.printf(Locale.ROOT, "%s stage: %.1f s, %d Spark jobs for %d trial steps and evaluations%n", name, seconds,
        s.jobs, s.works);
    return s;
  }

  /** The trials that did not end with the same validation accuracy and last loss, bit for bit. */
  private static List<String> differences(Stage a, Stage b) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.results.size(); i++) {
      TrialResult x = a.results.get(i);
      TrialResult y = b.results.get(i);
      if (Double.compare(x.bestValAccuracy(), y.bestValAccuracy()) != 0 || Double.compare(x.finalLoss(), y.finalLoss()) != 0
          || x.steps() != y.steps()) {
        out.add(String.format(Locale.ROOT, "trial %d: val %s/%s, last loss %s/%s, steps %d/%d", x.id(),
            x.bestValAccuracy(), y.bestValAccuracy(), x.finalLoss(), y.finalLoss(), x.steps(), y.steps()));
      }
    }
    return out;
  }

  private Search.Trials trials(TrialFlags flags, SearchSpace space, TrainingData td, int k, SharedJobs shared) {
    return new Search.Trials() {
      @Override
      public TrainingConfig config(Map<String, String> settings) {
        synchronized (flags) {
          return flags.config(space.fixed(), settings).sizedFor(td.trainRows()); // auto batch and epochs as trained
        }
      }

      @Override
      public Fit fit(TrainingConfig config) {
        return SearchCommand.this.fit(config, td.features(), k);
      }

      @Override
      public ClosableGradientSource open(ShardComputer computer) {
        return shared.join(computer, Set.of(Split.VALIDATION));
      }
    };
  }

  /** The setup of a trial's configuration, or the winner's, on data of {@code features} columns and k classes. */
  private Fit fit(TrainingConfig config, int features, int k) {
    return Fit.of(config, features, k, "--model " + (config.model().isLinear() ? config.loss() : "mlp"), dataName);
  }

  private static String line(TrialResult t, int done, int total) {
    return String.format(Locale.ROOT, "  %-6s %2d/%-2d trial %2d  %s  val %s (epoch %d of %d)  loss %.3f -> %.3f  %s  %.1f s",
        t.stage(), done, total, t.id(), compact(t.settings()),
        Double.isNaN(t.bestValAccuracy()) ? "  -   " : String.format(Locale.ROOT, "%.4f", t.bestValAccuracy()),
        t.bestEpoch(), t.epochs(), t.initialLoss(), t.finalLoss(), t.stopReason(), t.seconds());
  }

  /** Settings as short text: numbers to 3 significant digits. */
  static String compact(Map<String, String> settings) {
    StringBuilder b = new StringBuilder();
    settings.forEach((key, v) -> {
      if (key.equals("epochs")) {
        return;
      }
      if (b.length() > 0) {
        b.append(' ');
      }
      String shown = v;
      try {
        if (v.contains(".") || v.contains("E")) {
          shown = String.format(Locale.ROOT, "%.3g", Double.parseDouble(v));
        }
      } catch (NumberFormatException e) {
        shown = v;
      }
      b.append(key).append(' ').append(shown);
    });
    return b.toString();
  }

  private static String describe(SearchSpace space) {
    List<String> parts = new ArrayList<>();
    space.dimensions().forEach((k, d) -> parts.add(k + " " + d.describe()));
    return String.join(", ", parts);
  }

  private ObjectNode summary(SearchSpace space, SearchSpace fineSpace, Stage coarse, Stage sequential, Stage fine,
      TrialResult best, Evaluation test, String saved, TrainingResult retrained, TrainingData td, String master,
      double seconds) {
    ObjectNode s = Summary.JSON.createObjectNode();
    s.put("command", "search");
    s.put("downhill_version", Version.DOWNHILL);
    s.put("space_file", spaceFile.toString());
    ObjectNode dims = s.putObject("space");
    space.dimensions().forEach((k, d) -> dims.put(k, d.describe()));
    ObjectNode fineDims = s.putObject("fine_space");
    fineSpace.dimensions().forEach((k, d) -> fineDims.put(k, d.describe()));
    ObjectNode fixed = s.putObject("fixed");
    space.fixed().forEach(fixed::put);
    s.put("data", dataName);
    s.put("train_rows", td.trainRows());
    s.put("val_rows", td.validationRows());
    s.put("master", master);
    s.put("partitions", td.train().getNumPartitions());
    s.put("parallel", parallel == 0 ? "all" : Integer.toString(parallel));
    for (Stage st : new Stage[] {coarse, fine}) {
      String name = st == coarse ? "coarse" : "fine";
      ObjectNode o = s.putObject(name);
      o.put("trials", st.results.size());
      o.put("epochs", (st == coarse ? space.coarse() : space.fine()).epochs());
      o.put("seconds", st.seconds);
      o.put("spark_jobs", st.jobs);
      o.put("trial_works", st.works);
      o.put("seconds_in_spark_jobs", st.jobSeconds); // the rest of the stage: the trials' driver work between jobs
      o.put("exploded_or_diverged", st.results.stream().filter(t -> !t.stopReason().equals("epochs")
          && !t.stopReason().equals("early stopping")).count());
    }
    if (sequential != null) {
      ObjectNode o = s.putObject("sequential_comparison");
      o.put("coarse_seconds_together", coarse.seconds);
      o.put("coarse_seconds_one_after_another", sequential.seconds);
      o.put("speedup", sequential.seconds / coarse.seconds);
      o.put("spark_jobs_together", coarse.jobs);
      o.put("spark_jobs_one_after_another", sequential.jobs);
      o.put("identical_results", differences(coarse, sequential).isEmpty());
    }
    ObjectNode b = s.putObject("best");
    b.put("trial", best.id());
    b.put("stage", best.stage());
    ObjectNode bs = b.putObject("settings");
    best.settings().forEach(bs::put);
    RangeEdge.json(RangeEdge.of(space, best.settings()), b.putArray("range_edges"));
    b.put("val_accuracy", best.bestValAccuracy());
    b.put("best_epoch", best.bestEpoch());
    if (test != null) {
      b.put("test_accuracy", test.accuracy());
      b.put("test_loss", test.loss());
    }
    b.put("saved", saved);
    if (retrained != null) {
      b.put("retrain_seconds", retrained.fitSeconds());
    }
    s.put("seconds", seconds);
    return s;
  }

  /** Properties in file order (java.util.Properties forgets it; sampling order must not change). */
  static Map<String, String> readOrdered(Path file) {
    Map<String, String> ordered = new LinkedHashMap<>();
    Properties props = new Properties() {
      private static final long serialVersionUID = 1L;

      @Override
      public synchronized Object put(Object key, Object value) {
        ordered.put((String) key, (String) value);
        return super.put(key, value);
      }
    };
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw BadInputException.of("--space " + file, "search space file not found", "a readable properties file",
          "nothing at that path");
    } catch (IOException e) {
      throw BadInputException.of("--space " + file, "unreadable search space file", "a readable properties file",
          e.toString());
    }
    return ordered;
  }
}
