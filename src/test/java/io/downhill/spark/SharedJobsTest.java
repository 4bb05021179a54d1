package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.data.DataSpec;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import io.downhill.train.Trainer;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that share jobs train exactly as they would alone (same weights, bit for bit), in fewer
 * jobs; and every job carries a description for the Spark UI.
 */
class SharedJobsTest {
  @TempDir
  static Path dir;
  static DataSpec spec;

  @BeforeAll
  static void data() throws IOException {
    spec = DataSpec.parse("idx:" + DataFiles.idxDirectory(dir.resolve("idx"), 900, 200, 6, 6, 4, true), List.of());
  }

  /** Different models, batch sizes and optimizers: they reach their epoch ends at different steps. */
  private static final List<TrainingConfig> CONFIGS = List.of(
      TrainingConfig.builder().learningRate(0.3).batchSize(64).epochs(2).seed(3).build(),
      TrainingConfig.builder().hidden(List.of(12)).optimizer("momentum").learningRate(0.05).batchSize(100).epochs(2)
          .seed(3).build(),
      TrainingConfig.builder().hidden(List.of(20)).optimizer("adam").learningRate(0.01).batchSize(32).epochs(1)
          .seed(3).build());

  @Test
  void trialsAdvancingTogetherTrainExactlyAsAloneInFewerJobs() throws Exception {
    TrainingData data = DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(spec).seed(7).partitions(2)
        .preprocess(Preprocess.NONE).build());
    List<String> descriptions = Collections.synchronizedList(new ArrayList<>());
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        descriptions.add(String.valueOf(start.properties().getProperty("spark.job.description")));
      }
    };
    TestSpark.session().sparkContext().addSparkListener(listener);
    try {
      int k = data.labels().numClasses();
      List<double[]> alone = new ArrayList<>();
      long aloneSteps = 0;
      for (TrainingConfig c : CONFIGS) {
        Model model = Model.of(c.model().spec(data.features(), k));
        try (SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), data,
            new ShardComputer(model, Losses.parse("softmax"), k, Precision.FLOAT32, c.seed()))) {
          TrainingResult r = new Trainer(c, model, source, List.of()).fit(init(model, c));
          alone.add(r.theta());
          aloneSteps += r.steps();
        }
      }
      TestSpark.session().sparkContext().listenerBus().waitUntilEmpty();
      assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("downhill epoch 1, step 1/")), descriptions.get(0));
      assertTrue(descriptions.stream().anyMatch(d -> d.equals("downhill evaluation: val")), descriptions.toString());

      SharedJobs shared = new SharedJobs(TestSpark.jsc(), data);
      ExecutorService pool = Executors.newFixedThreadPool(CONFIGS.size());
      List<Future<double[]>> together = new ArrayList<>();
      for (TrainingConfig c : CONFIGS) {
        Model model = Model.of(c.model().spec(data.features(), k));
        SharedJobs.Member member = shared.join(new ShardComputer(model, Losses.parse("softmax"), k, Precision.FLOAT32,
            c.seed()), Set.of(Split.TRAIN, Split.VALIDATION, Split.TEST));
        together.add(pool.submit(() -> {
          try (member) {
            return new Trainer(c, model, member, List.of()).fit(init(model, c)).theta();
          }
        }));
      }
      for (int i = 0; i < CONFIGS.size(); i++) {
        assertArrayEquals(alone.get(i), together.get(i).get(), 0.0, "run " + i);
      }
      pool.shutdown();
      // every step and evaluation of every run was computed, in far fewer jobs than alone
      long evaluations = 3L * (2 + 2 + 1);
      assertEquals(aloneSteps + evaluations, shared.works());
      assertTrue(shared.jobs() < 0.6 * shared.works(), shared.jobs() + " jobs for " + shared.works() + " works");
      TestSpark.session().sparkContext().listenerBus().waitUntilEmpty();
      assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("downhill: 3 runs together (3 steps")),
          descriptions.toString());
    } finally {
      TestSpark.session().sparkContext().removeSparkListener(listener);
      data.unpersist();
    }
  }

  private static double[] init(Model model, TrainingConfig c) {
    double[] theta = new double[model.layout().size()];
    c.model().initializer().initialize(model.layout(), theta, c.seed());
    return theta;
  }
}
