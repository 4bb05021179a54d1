package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.data.Storage;
import io.downhill.linalg.Precision;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import io.downhill.train.Checkpoints;
import io.downhill.train.Fit;
import io.downhill.train.StepRecord;
import io.downhill.train.TrainerState;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingListener;
import io.downhill.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two transports of exact synchronous steps give the same bits: a Spark job per step (partial
 * sums merged on the driver in partition order) and collective segments (barrier tasks that
 * all-reduce among themselves, each applying the step to its replica of θ). Same θ, same loss,
 * rate, gradient norm and update ratios at every step, for linear models and networks, sgd,
 * momentum and Adam, dropout, 1 to 4 partitions, float32 and float64, CSR rows, and segments cut by
 * step checkpoints; and a collective epoch is one Spark job, not one per step. The same for jobs of
 * K local steps ({@code --local-steps K}): a Spark job per K steps, or collective segments whose
 * tasks all-reduce the partitions' moves; their checkpoints fall on the same job ends. And batch
 * normalization, whose totals over the global minibatch take a Spark job per round of a step under
 * jobs and an all-reduce per total inside the step under collective segments: the same θ, running
 * statistics included, with partitions that have no rows in some steps.
 */
class CollectiveEqualsJobsTest {
  @TempDir
  static Path dir;
  static DataSpec idx;
  static DataSpec libsvm;
  static DataSpec tiny;

  @BeforeAll
  static void data() throws IOException {
    idx = DataSpec.parse("idx:" + DataFiles.idxDirectory(dir.resolve("idx"), 1500, 300, 6, 6, 5, true), List.of());
    tiny = DataSpec.parse("idx:" + DataFiles.idxDirectory(dir.resolve("tiny"), 44, 10, 6, 6, 5, true), List.of());
    SplittableRandom rng = new SplittableRandom(3); // 600 wide sparse rows, 3 classes on disjoint features
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      StringBuilder line = new StringBuilder(Integer.toString(i % 3));
      java.util.TreeMap<Integer, Double> row = new java.util.TreeMap<>();
      for (int t = 0; t < 12; t++) {
        row.put(t < 4 ? (i % 3) * 100 + rng.nextInt(100) : 300 + rng.nextInt(200), 0.5 + rng.nextDouble());
      }
      row.forEach((j, v) -> line.append(' ').append(j + 1).append(':').append(v));
      lines.add(line.toString());
    }
    libsvm = DataSpec.parse("libsvm:" + DataFiles.lines(dir.resolve("wide.libsvm"), lines), List.of());
  }

  private static TrainingData load(int partitions, Precision precision) {
    return DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(idx).seed(7).partitions(partitions)
        .valFraction(0.1).precision(precision).preprocess(Preprocess.NONE).build());
  }

  /** A run's weights, steps, transport, the Spark jobs its steps took and its checkpoints (where, and θ's bits). */
  private record Outcome(double[] theta, List<StepRecord> steps, String sync, int jobs, List<String> checkpoints,
      Map<Long, Double> progress) {}

  private static Outcome train(TrainingData data, TrainingConfig config, String sync, int checkpointEvery) {
    Fit fit = Fit.of(config, data.features(), data.labels().numClasses(), "test", null);
    List<StepRecord> steps = new ArrayList<>();
    List<String> saved = new ArrayList<>();
    if (checkpointEvery > 0) {
      fit = fit.withCheckpoints(new Checkpoints() {
        @Override
        public String settings() {
          return "test";
        }

        @Override
        public boolean dueAfterSteps(long before, long after) {
          return before / checkpointEvery != after / checkpointEvery;
        }

        @Override
        public boolean dueAfterEpoch(int epoch) {
          return false;
        }

        @Override
        public void save(TrainerState state) {
          if (config.localSteps() == 1) {
            assertEquals(0, state.global() % checkpointEvery, "saved at a due step");
          }
          saved.add("epoch " + state.epoch() + ", step " + state.step() + ", global " + state.global() + ", θ "
              + bits(state.theta()));
        }
      }, null);
    }
    Map<Long, Double> progress = new java.util.concurrent.ConcurrentHashMap<>();
    String[] how = new String[1];
    // counted by a listener of this run's own: the status tracker forgets jobs beyond spark.ui.retainedJobs
    GradientTaskCounter counter = new GradientTaskCounter();
    TestSpark.session().sparkContext().addSparkListener(counter);
    TrainingResult r;
    try {
      r = fit.run(c -> {
        SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), data, c).sync(sync,
            Duration.ofSeconds(60));
        how[0] = source.describeSync(config);
        return source;
      }, null, List.of(new TrainingListener() {
        @Override
        public void onStep(StepRecord s) {
          steps.add(s);
        }

        @Override
        public void onProgress(int epoch, long step, double loss) {
          progress.put(step, loss);
        }
      }));
    } finally {
      try {
        TestSpark.session().sparkContext().listenerBus().waitUntilEmpty();
      } catch (TimeoutException e) {
        throw new AssertionError("Spark's listener bus did not deliver the run's events", e);
      } finally {
        TestSpark.session().sparkContext().removeSparkListener(counter);
      }
    }
    return new Outcome(r.theta(), steps, how[0], (int) counter.jobs(), saved, progress);
  }

  private static void assertSameBits(TrainingData data, TrainingConfig config, int checkpointEvery, String where) {
    Outcome jobs = train(data, config, "jobs", checkpointEvery);
    Outcome collective = train(data, config, "collective", checkpointEvery);
    assertTrue(jobs.sync().startsWith("jobs"), jobs.sync());
    assertTrue(collective.sync().startsWith("collective"), collective.sync());
    assertEquals(bits(jobs.theta()), bits(collective.theta()), where + ": θ bit for bit");
    assertEquals(jobs.steps().size(), collective.steps().size(), where + ": steps");
    for (int s = 0; s < jobs.steps().size(); s++) {
      StepRecord a = jobs.steps().get(s);
      StepRecord b = collective.steps().get(s);
      String at = where + ", step " + s;
      assertEquals(a.loss(), b.loss(), 0.0, at);
      assertEquals(a.lr(), b.lr(), 0.0, at);
      assertEquals(a.gradNorm(), b.gradNorm(), 0.0, at);
      assertEquals(a.rows(), b.rows(), at);
      assertEquals(a.layers(), b.layers(), at + ": every layer's ratio, weight and update statistics");
    }
    assertEquals(jobs.checkpoints(), collective.checkpoints(), where + ": checkpoints saved");
    // the progress line moved during the segments: at least each segment's last step, with its loss
    assertTrue(jobs.progress().isEmpty(), where + ": a job per step reports through onStep only");
    assertTrue(collective.progress().size() >= config.epochs(), where + ": progress " + collective.progress());
    collective.progress().forEach((step, loss) -> assertEquals(collective.steps().get((int) (long) step).loss(), loss,
        0.0, where + ": step " + step + " reported while the segment ran"));
    assertEquals(checkpointEvery > 0, !collective.checkpoints().isEmpty(), where + ": checkpoints saved");
    int collectiveJobs = collective.jobs();
    // every step takes its jobs, also one in which no partition has a row (and which records nothing)
    int stepJobs = config.localSteps() == 1
        ? io.downhill.shard.BatchPlan.stepsPerEpoch(data.trainRows(), config.batchSize()) * config.epochs()
        : jobsPerRun(jobs.steps(), config.localSteps());
    assertEquals(stepJobs * rounds(config), jobs.jobs(), where + ": one Spark job per " + config.localSteps()
        + " steps and round");
    int epochs = config.epochs();
    assertTrue(collectiveJobs <= epochs + collective.checkpoints().size(), where + ": one barrier stage per segment, "
        + collectiveJobs + " for " + jobs.steps().size() + " steps");
  }

  /** Spark jobs per step under --sync jobs: one, and two more per batch-normalized layer (io.downhill.shard.Rounds). */
  private static int rounds(TrainingConfig config) {
    return config.model().batchNorm().equals("none") ? 1 : 1 + 2 * config.model().hidden().size();
  }

  /** The jobs of K steps each epoch's steps take, the last one of an epoch possibly shorter. */
  private static int jobsPerRun(List<StepRecord> steps, int k) {
    Map<Integer, Integer> perEpoch = new TreeMap<>();
    steps.forEach(s -> perEpoch.merge(s.epoch(), 1, Integer::sum));
    return perEpoch.values().stream().mapToInt(n -> (n + k - 1) / k).sum();
  }

  private static String bits(double[] theta) {
    long[] raw = new long[theta.length];
    for (int i = 0; i < theta.length; i++) {
      raw[i] = Double.doubleToRawLongBits(theta[i]);
    }
    return Arrays.hashCode(raw) + "/" + theta.length + (theta.length > 0 ? "/" + theta[0] + "/" + theta[theta.length - 1]
        : "");
  }

  @Test
  void linearSoftmaxWithSgdFor1To4PartitionsInFloat32AndFloat64() {
    TrainingConfig.Builder base = TrainingConfig.builder().learningRate(0.2).batchSize(64).epochs(2).seed(3);
    for (Precision precision : Precision.values()) {
      for (int partitions = 1; partitions <= 4; partitions++) {
        if (precision == Precision.FLOAT64 && partitions % 2 == 1) {
          continue; // float64 at 2 and 4 partitions: the double partials' path
        }
        TrainingData data = load(partitions, precision);
        try {
          assertEquals(partitions, data.train().getNumPartitions());
          assertSameBits(data, base.precision(precision).build(), 0, "softmax sgd, " + partitions + " partitions, "
              + precision);
          if (partitions == 2) { // a step over every row: each partition's sum comes from its full-batch path
            assertSameBits(data, base.precision(precision).batchSize(4096).build(), 0, "full batch, " + precision);
          }
        } finally {
          data.unpersist();
        }
      }
    }
  }

  @Test
  void networksWithDropoutUnderMomentumAndAdamWithL2AndMaxNorm() {
    TrainingData data = load(3, Precision.FLOAT32);
    try {
      assertSameBits(data, TrainingConfig.builder().hidden(List.of(16, 8)).dropout(0.2).optimizer("adam")
          .learningRate(0.01).batchSize(50).epochs(2).seed(5).reg(1e-3).maxNorm(3).build(), 0, "mlp adam dropout");
      assertSameBits(data, TrainingConfig.builder().hidden(List.of(12)).optimizer("momentum").learningRate(0.05)
          .batchSize(40).epochs(1).seed(6).schedule("cosine").build(), 0, "mlp momentum cosine");
    } finally {
      data.unpersist();
    }
  }

  @Test
  void networksWithBatchNormBeforeAndAfterTheActivationAndItsRunningStatistics() {
    TrainingData data = load(3, Precision.FLOAT32);
    try {
      assertSameBits(data, TrainingConfig.builder().hidden(List.of(16, 8)).batchNorm("before").dropout(0.2)
          .optimizer("adam").learningRate(0.01).batchSize(50).epochs(2).seed(5).reg(1e-3).build(), 0,
          "mlp batch norm before, adam");
      assertSameBits(data, TrainingConfig.builder().hidden(List.of(12)).batchNorm("after").optimizer("momentum")
          .learningRate(0.05).batchSize(64).epochs(1).seed(6).build(), 5, "mlp batch norm after, a checkpoint every 5 steps");
    } finally {
      data.unpersist();
    }
    // 4 partitions of about 10 rows, 3 rows a step: in most steps some partition has none, and joins the totals
    TrainingData few = DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(tiny).seed(7).partitions(4)
        .valFraction(0.1).preprocess(Preprocess.NONE).build());
    try {
      assertSameBits(few, TrainingConfig.builder().hidden(List.of(8)).batchNorm("before").learningRate(0.1)
          .batchSize(3).epochs(1).seed(5).build(), 0, "mlp batch norm, partitions without rows in a step");
    } finally {
      few.unpersist();
    }
  }

  @Test
  void segmentsCutAtStepCheckpointsGiveTheSameWeightsAndCheckpoints() {
    TrainingData data = load(2, Precision.FLOAT32);
    try {
      assertSameBits(data, TrainingConfig.builder().optimizer("adam").learningRate(0.01).batchSize(64).epochs(2)
          .seed(4).build(), 7, "adam, a checkpoint every 7 steps");
    } finally {
      data.unpersist();
    }
  }

  @Test
  void localStepsOfALinearSoftmaxWithSgdOn2PartitionsInFloat32() {
    TrainingData data = load(2, Precision.FLOAT32);
    try {
      assertSameBits(data, TrainingConfig.builder().learningRate(0.2).batchSize(64).epochs(2).seed(3).localSteps(4)
          .precision(Precision.FLOAT32).build(), 0, "softmax sgd K=4");
    } finally {
      data.unpersist();
    }
  }

  @Test
  void localStepsOfANetworkWithDropoutUnderAdamWithL2AndMaxNormOn3Partitions() {
    TrainingData data = load(3, Precision.FLOAT32);
    try {
      assertSameBits(data, TrainingConfig.builder().hidden(List.of(16, 8)).dropout(0.2).optimizer("adam")
          .learningRate(0.01).batchSize(50).epochs(2).seed(5).reg(1e-3).maxNorm(3).localSteps(3).build(), 0,
          "mlp adam K=3");
    } finally {
      data.unpersist();
    }
  }

  @Test
  void localStepSegmentsEndAtTheJobAfterWhichACheckpointIsDue() {
    TrainingData data = load(2, Precision.FLOAT32);
    try {
      // jobs of 4 steps: a checkpoint due every 6 steps is saved at the end of the job it falls in
      // (after steps 8, 12, 20 ...), and the jobs start again at each epoch
      assertSameBits(data, TrainingConfig.builder().optimizer("momentum").learningRate(0.05).batchSize(64)
          .epochs(2).seed(4).localSteps(4).build(), 6, "momentum K=4, a checkpoint every 6 steps");
    } finally {
      data.unpersist();
    }
  }

  @Test
  void csrRowsOfAWideModel() {
    for (Precision precision : Precision.values()) {
      TrainingData sparse = DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(libsvm).seed(5)
          .partitions(2).valFraction(0.2).precision(precision).preprocess(Preprocess.NONE).numFeatures(500)
          .storage(Storage.SPARSE).build());
      try {
        assertEquals("csr", sparse.storage());
        assertSameBits(sparse, TrainingConfig.builder().loss("softmax").optimizer("adagrad").batchSize(24).epochs(2)
            .learningRate(0.2).reg(1e-3).precision(precision).seed(5).build(), 0, "csr adagrad " + precision);
        assertSameBits(sparse, TrainingConfig.builder().loss("softmax").hidden(List.of(16)).dropout(0.2)
            .optimizer("adam").learningRate(0.01).batchSize(32).epochs(1).precision(precision).seed(5).build(), 0,
            "csr mlp adam " + precision);
      } finally {
        sparse.unpersist();
      }
    }
  }

  @Test
  void collectiveWhereABarrierStageCannotRunIsBadInputAndAutoFallsBackToJobs() {
    TrainingData data = load(6, Precision.FLOAT32); // 6 partitions, 4 task slots
    try {
      TrainingConfig config = TrainingConfig.builder().epochs(1).build();
      Fit fit = Fit.of(config, data.features(), data.labels().numClasses(), "test", null);
      BadInputException e = assertThrows(BadInputException.class,
          () -> new SparkGradientSource(TestSpark.jsc(), data, fit.computer()).sync("collective", Duration.ofSeconds(5)));
      assertTrue(e.getMessage().contains("sync") && e.getMessage().contains("6 partitions but 4 task slots"),
          e.getMessage());
      String auto = new SparkGradientSource(TestSpark.jsc(), data, fit.computer()).sync("auto", Duration.ofSeconds(5))
          .describeSync(config);
      assertEquals("jobs (auto: 6 partitions but 4 task slots (a barrier stage runs every partition at once))", auto);
    } finally {
      data.unpersist();
    }
  }
}
