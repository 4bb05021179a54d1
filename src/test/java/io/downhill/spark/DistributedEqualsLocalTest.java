package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.data.Block;
import io.downhill.data.DataSpec;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import io.downhill.model.ModelSpec;
import io.downhill.shard.Evaluation;
import io.downhill.model.ParameterLayout;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import io.downhill.shard.Evaluation;
import io.downhill.train.Fit;
import io.downhill.train.GradientSource;
import io.downhill.train.LocalGradientSource;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import io.downhill.train.GradientSource;
import io.downhill.train.LocalGradientSource;
import io.downhill.train.StepRecord;
import io.downhill.train.Trainer;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingListener;
import io.downhill.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One accumulator, two drivers: training through Spark jobs (broadcast + treeAggregate) must give
 * the weights of the in-process loop over the same shards, for 1, 2 and 4 partitions and several
 * block sizes; and the Spark path runs exactly one job per step (one per round of a step with batch
 * normalization, whose statistics are the global minibatch's).
 */
class DistributedEqualsLocalTest {
  @TempDir
  static Path dir;
  static DataSpec spec;

  @BeforeAll
  static void data() throws IOException {
    spec = DataSpec.parse("idx:" + DataFiles.idxDirectory(dir.resolve("idx"), 1500, 300, 6, 6, 5, true), List.of());
  }

  private static TrainingData load(int partitions, int blockRows) {
    return DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(spec).seed(7).partitions(partitions)
        .blockRows(blockRows).preprocess(Preprocess.NONE).build());
  }

  private record Run(TrainingResult result, List<Double> losses) {}

  private static Run train(GradientSource source, Model model, Loss loss, TrainingConfig config) {
    double[] theta = new double[model.layout().size()];
    config.model().initializer().initialize(model.layout(), theta, config.seed());
    List<Double> losses = new ArrayList<>();
    TrainingListener l = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        losses.add(s.loss());
      }
    };
    return new Run(new Trainer(config, model, source, List.of(l)).fit(theta), losses);
  }

  @Test
  void sparkTrainingEqualsTheLocalLoopFor124PartitionsAndEveryBlockSize() {
    TrainingConfig config = TrainingConfig.builder().learningRate(0.2).batchSize(64).epochs(2).seed(3).build();
    Loss loss = Losses.parse("softmax");
    for (int partitions : new int[] {1, 2, 4}) {
      double[] first = null;
      for (int blockRows : new int[] {1, 37, 0}) {
        SparkGradientSource.Transport transport = blockRows == 37
            ? SparkGradientSource.Transport.BROADCAST : SparkGradientSource.Transport.CLOSURE;
        TrainingData data = load(partitions, blockRows);
        try {
          assertEquals(partitions, data.train().getNumPartitions());
          Model model = Model.of(ModelSpec.linear(data.features(), loss.outputs(data.labels().numClasses())));
          ShardComputer computer = new ShardComputer(model, loss, data.labels().numClasses(), Precision.FLOAT32, 3);
          Run spark;
          try (SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), data, computer, transport, 1)) {
            spark = train(source, model, loss, config);
          }
          List<Shard> shards = data.train().collect();
          List<Shard> val = data.validation().collect();
          Run local = train(new LocalGradientSource(computer, shards, Map.of(Split.TRAIN, shards, Split.VALIDATION, val)),
              model, loss, config);

          String where = partitions + " partitions, block rows " + blockRows + ", θ by " + transport;
          // Up to two partial sums, Spark's merge order cannot change a bit (a + b == b + a); with four it may
          // reorder additions, a rounding-level difference.
          double tolerance = partitions <= 2 ? 0.0 : 1e-9;
          assertArrayEquals(local.result().theta(), spark.result().theta(), tolerance, where);
          for (int s = 0; s < local.losses().size(); s++) {
            assertEquals(local.losses().get(s), spark.losses().get(s), tolerance, where + ", step " + s);
          }
          Evaluation a = local.result().last().validation();
          Evaluation b = spark.result().last().validation();
          assertEquals(a.correct(), b.correct(), where);
          assertArrayEquals(a.confusion(), b.confusion(), where);
          if (first == null) {
            first = spark.result().theta();
          } else {
            assertArrayEquals(first, spark.result().theta(), tolerance, where + " vs the first block size");
          }
        } finally {
          data.unpersist();
        }
      }
    }
  }

  @Test
  void anMlpWithDropoutAndAdamTrainsTheSameDistributedAsLocallyFor1And3Partitions() {
    TrainingConfig config = TrainingConfig.builder().loss("softmax").hidden(List.of(16, 8)).dropout(0.2)
        .optimizer("adam").learningRate(0.01).batchSize(50).epochs(2).seed(5).build();
    Loss loss = Losses.parse("softmax");
    for (int partitions : new int[] {1, 3}) {
      TrainingData data = load(partitions, 0);
      try {
        Model model = Model.of(config.model().spec(data.features(), data.labels().numClasses()));
        ShardComputer computer = new ShardComputer(model, loss, data.labels().numClasses(), Precision.FLOAT32, 5);
        Run spark;
        try (SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), data, computer,
            SparkGradientSource.Transport.BROADCAST, partitions == 3 ? 2 : 1)) {
          spark = train(source, model, loss, config);
        }
        List<Shard> shards = data.train().collect();
        Run local = train(new LocalGradientSource(computer, shards, Map.of(Split.TRAIN, shards)), model, loss, config);
        // three partial sums may be added in another order by Spark: rounding-level differences, amplified
        // a little by Adam's normalisation over 2 epochs
        double tolerance = partitions == 1 ? 0.0 : 1e-6;
        assertArrayEquals(local.result().theta(), spark.result().theta(), tolerance, partitions + " partitions");
        assertTrue(spark.result().last().train().accuracy() > 0.8, "it learns: " + spark.result().last().train().accuracy());
      } finally {
        data.unpersist();
      }
    }
  }

  /**
   * Batch normalization over the global minibatch: through Spark (a job per round of the step's
   * totals) the weights of the in-process loop, bit for bit, and those of the same rows in one
   * partition (a batch larger than the data: every step takes every row, so both runs normalize
   * over the same batch), every slice of θ, the running statistics included.
   */
  @Test
  void batchNormTakesTheGlobalBatchsStepThroughSparkLocallyAndInOnePartition() throws Exception {
    for (String placement : List.of("before", "after")) {
      TrainingConfig config = TrainingConfig.builder().loss("softmax").hidden(List.of(8)).batchNorm(placement)
          .batchSize(100_000).epochs(3).seed(5).build();
      TrainingData data = load(2, 1); // one-row blocks, so the two partitions' blocks also make one shard
      try {
        Fit fit = Fit.of(config, data.features(), data.labels().numClasses(), "test", null);
        double[] spark;
        GradientTaskCounter counter = new GradientTaskCounter();
        TestSpark.session().sparkContext().addSparkListener(counter);
        try (SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), data, fit.computer())) {
          spark = fit.run(source, null, List.of()).theta();
        } finally {
          TestSpark.session().sparkContext().listenerBus().waitUntilEmpty();
          TestSpark.session().sparkContext().removeSparkListener(counter);
        }
        assertEquals(3 * 3, counter.jobs(), "3 steps of 3 rounds: the forward total, the backward total, the gradient");
        List<Shard> shards = data.train().collect();
        double[] local = fit.run(new LocalGradientSource(fit.computer(), shards, Map.of()), null, List.of()).theta();
        assertArrayEquals(local, spark, 0.0, placement + ": the same partial sums in the same order");
        List<Block> blocks = new ArrayList<>();
        shards.forEach(s -> blocks.addAll(s.blocks()));
        Shard all = new Shard(blocks, 1, data.features());
        double[] one = fit.run(new LocalGradientSource(fit.computer(), List.of(all), Map.of()), null, List.of()).theta();
        // float32 activations: sums of the same rows in another order
        assertArrayEquals(one, spark, 1e-6, placement + ": two partitions take one partition's steps");
        double[] start = fit.initialTheta();
        for (String name : List.of("gamma1", "beta1", "mean1", "var1")) {
          ParameterLayout.Slice s = fit.model().layout().slice(name);
          assertFalse(Arrays.equals(Arrays.copyOfRange(one, s.offset(), s.end()),
              Arrays.copyOfRange(start, s.offset(), s.end())), placement + ": " + name + " moved");
        }
      } finally {
        data.unpersist();
      }
    }
  }

  @Test
  void localStepsTrainTheSameDistributedAsLocally() {
    TrainingConfig config = TrainingConfig.builder().learningRate(0.2).batchSize(64).epochs(2).seed(3).localSteps(6)
        .build();
    Loss loss = Losses.parse("softmax");
    TrainingData data = load(2, 0);
    try {
      Model model = Model.of(ModelSpec.linear(data.features(), data.labels().numClasses()));
      ShardComputer computer = new ShardComputer(model, loss, data.labels().numClasses(), Precision.FLOAT32, 3);
      Run spark;
      try (SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), data, computer)) {
        spark = train(source, model, loss, config);
      }
      List<Shard> shards = data.train().collect();
      Run local = train(new LocalGradientSource(computer, shards, Map.of(Split.TRAIN, shards)), model, loss, config);
      assertArrayEquals(local.result().theta(), spark.result().theta(), 0.0); // two partial sums: order-free
      assertEquals(local.losses(), spark.losses());
    } finally {
      data.unpersist();
    }
  }

  @Test
  void oneSparkJobPerStepAndEveryPartitionComputesGradients() throws Exception {
    TrainingData data = load(2, 0);
    try {
      Loss loss = Losses.parse("svm");
      Model model = Model.of(ModelSpec.linear(data.features(), data.labels().numClasses()));
      ShardComputer computer = new ShardComputer(model, loss, data.labels().numClasses(), Precision.FLOAT32, 1);
      GradientTaskCounter counter = new GradientTaskCounter();
      TestSpark.session().sparkContext().addSparkListener(counter);
      TrainingResult r;
      try (SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), data, computer)) {
        r = train(source, model, loss, TrainingConfig.builder().loss("svm").batchSize(100).epochs(1).build()).result();
      } finally {
        TestSpark.session().sparkContext().listenerBus().waitUntilEmpty();
        TestSpark.session().sparkContext().removeSparkListener(counter);
      }
      assertEquals(r.steps(), counter.jobs());
      long tasks = counter.tasksByExecutor().values().stream().mapToLong(Long::longValue).sum();
      assertEquals(2 * r.steps(), tasks); // one task per partition per step
      assertTrue(r.last().train().accuracy() > 0.5);
    } finally {
      data.unpersist();
    }
  }

  @Test
  void theSquaredLossTrainsTheSameDistributedAsLocallyDenseOrSparseAndTheSameRmse() throws IOException {
    Path file = DataFiles.lines(dir.resolve("regression.txt"),
        DataFiles.regressionLines(900, new double[] {1.5, -2, 0.5, 3}, 0.7, 0.2, 13));
    DataSpec libsvm = DataSpec.parse("libsvm:" + file, List.of());
    for (TrainingConfig config : List.of(
        TrainingConfig.builder().loss("squared").learningRate(0.05).batchSize(64).epochs(2).seed(3).build(),
        TrainingConfig.builder().loss("squared").hidden(List.of(8)).optimizer("adam").learningRate(0.05)
            .batchSize(50).epochs(2).seed(5).build())) {
      for (int partitions : new int[] {1, 2, 4}) {
        for (io.downhill.data.Storage storage : io.downhill.data.Storage.values()) {
          TrainingData data = DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(libsvm).seed(7)
              .partitions(partitions).blockRows(partitions == 2 ? 1 : 0).storage(storage).regression(true).build());
          try {
            assertTrue(data.labels().isReal());
            Fit fit = Fit.of(config, data.features(), data.labels().numClasses(), "test", null);
            assertEquals(1, fit.model().outputs());
            List<Double> sparkLosses = new ArrayList<>();
            TrainingResult spark;
            try (SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), data, fit.computer())) {
              spark = fit.run(source, null, List.of(new TrainingListener() {
                @Override
                public void onStep(StepRecord s) {
                  sparkLosses.add(s.loss());
                }
              }));
            }
            List<Shard> shards = data.train().collect();
            List<Double> localLosses = new ArrayList<>();
            TrainingResult local = fit.run(new LocalGradientSource(fit.computer(), shards,
                Map.of(Split.TRAIN, shards, Split.VALIDATION, data.validation().collect())), null,
                List.of(new TrainingListener() {
                  @Override
                  public void onStep(StepRecord s) {
                    localLosses.add(s.loss());
                  }
                }));
            String where = config.model().isLinear() ? "linear" : "mlp";
            where += ", " + partitions + " partitions, " + storage;
            double tolerance = partitions <= 2 ? 0.0 : 1e-9;
            assertArrayEquals(local.theta(), spark.theta(), tolerance, where);
            for (int s = 0; s < localLosses.size(); s++) {
              assertEquals(localLosses.get(s), sparkLosses.get(s), tolerance, where + ", step " + s);
            }
            Evaluation a = local.last().validation();
            Evaluation b = spark.last().validation();
            assertTrue(b.isRegression() && a.rows() == b.rows() && b.rows() > 0, where);
            assertEquals(a.rmse(), b.rmse(), 1e-9, where);
            assertEquals(a.r2(), b.r2(), 1e-9, where);
            assertTrue(b.r2() > 0.5, where + ": it learns, R² " + b.r2());
          } finally {
            data.unpersist();
          }
        }
      }
    }
  }
}
