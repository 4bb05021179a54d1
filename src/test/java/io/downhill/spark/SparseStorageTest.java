package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.data.DataSpec;
import io.downhill.data.Shard;
import io.downhill.data.Storage;
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
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dense and sparse (CSR) storage of the same wide, sparse rows train to the same weights through
 * Spark (linear softmax and an MLP, float64, 1e-9), evaluate the same, and have the same data
 * fingerprint; auto picks CSR for sparse LIBSVM rows and dense for dense image rows.
 */
class SparseStorageTest {
  @TempDir
  static Path dir;
  static DataSpec libsvm;

  @BeforeAll
  static void data() throws IOException {
    // 600 rows, 500 features, about 12 non-zeros per row, 3 classes planted on disjoint features
    SplittableRandom rng = new SplittableRandom(3);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int y = i % 3;
      StringBuilder line = new StringBuilder(Integer.toString(y));
      java.util.TreeMap<Integer, Double> row = new java.util.TreeMap<>();
      for (int t = 0; t < 12; t++) {
        int j = t < 4 ? y * 100 + rng.nextInt(100) : 300 + rng.nextInt(200);
        row.put(j, 0.5 + rng.nextDouble());
      }
      row.forEach((j, v) -> line.append(' ').append(j + 1).append(':').append(v));
      lines.add(line.toString());
    }
    libsvm = DataSpec.parse("libsvm:" + DataFiles.lines(dir.resolve("wide.libsvm"), lines), List.of());
  }

  private static TrainingData load(DataSpec spec, Storage storage) {
    return DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(spec).seed(5).partitions(2).valFraction(0.2)
        .precision(Precision.FLOAT64).preprocess(Preprocess.NONE).numFeatures(spec == libsvm ? 500 : 0)
        .storage(storage).build());
  }

  private static TrainingResult train(TrainingData td, TrainingConfig config) {
    return train(td, config, false);
  }

  private static TrainingResult train(TrainingData td, TrainingConfig config, boolean denseGradients) {
    Model model = Model.of(config.model().spec(td.features(), td.labels().numClasses()));
    double[] theta = new double[model.layout().size()];
    config.model().initializer().initialize(model.layout(), theta, config.seed());
    ShardComputer computer = new ShardComputer(model, Losses.parse(config.loss()), td.labels().numClasses(),
        config.precision(), config.seed());
    if (denseGradients) {
      computer = computer.denseGradients();
    }
    int p = model.layout().size();
    // the explicit constructor keeps the computer's choice (the default one sends dense gradients in local mode)
    try (SparkGradientSource source = new SparkGradientSource(TestSpark.jsc(), td, computer,
        SparkGradientSource.Transport.auto(p), 1)) {
      return new Trainer(config, model, source, List.of()).fit(theta);
    }
  }

  @Test
  void denseAndSparseStorageTrainToTheSameWeights() {
    TrainingData dense = load(libsvm, Storage.DENSE);
    TrainingData sparse = load(libsvm, Storage.SPARSE);
    TrainingData auto = load(libsvm, Storage.AUTO);
    try {
      assertFalse(dense.train().first().isSparse());
      assertTrue(sparse.train().first().isSparse());
      assertTrue(auto.train().first().isSparse(), "auto: CSR for sparse rows at 2.4% density");
      assertEquals(dense.fingerprint(), sparse.fingerprint(), "the same rows, whatever the storage");
      assertTrue(sparse.cachedBytes() * 5 < dense.cachedBytes(),
          "CSR " + sparse.cachedBytes() + " bytes vs dense " + dense.cachedBytes());
      for (TrainingConfig config : List.of(
          TrainingConfig.builder().loss("softmax").batchSize(32).epochs(2).learningRate(0.2).schedule("step")
              .precision(Precision.FLOAT64).seed(5).build(),
          TrainingConfig.builder().loss("softmax").hidden(List.of(16)).dropout(0.2).optimizer("adam")
              .learningRate(0.01).schedule("step").batchSize(32).epochs(2).precision(Precision.FLOAT64).seed(5).build())) {
        TrainingResult a = train(dense, config);
        TrainingResult b = train(sparse, config);
        assertArrayEquals(a.theta(), b.theta(), 1e-9, config.toString());
        assertEquals(a.last().get(Split.VALIDATION).accuracy(), b.last().get(Split.VALIDATION).accuracy(), 0.0);
        assertTrue(b.last().get(Split.VALIDATION).accuracy() > 0.9, "learns: " + b.last().get(Split.VALIDATION).accuracy());
      }
    } finally {
      dense.unpersist();
      sparse.unpersist();
      auto.unpersist();
    }
  }

  /**
   * On CSR storage each partition sends only the first-layer rows its minibatch touched; merged on
   * the driver they are the same sums as the dense gradients, so training ends bit-identical
   * (tolerance 0), in float32 and float64, linear and MLP with dropout.
   */
  @Test
  void rowSparseGradientsTrainToExactlyTheDenseGradientsWeights() {
    for (Precision precision : Precision.values()) {
      TrainingData sparse = DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(libsvm).seed(5)
          .partitions(2).valFraction(0.2).precision(precision).preprocess(Preprocess.NONE).numFeatures(500)
          .storage(Storage.SPARSE).build());
      try {
        for (TrainingConfig config : List.of(
            TrainingConfig.builder().loss("softmax").batchSize(32).epochs(2).learningRate(0.2).precision(precision)
                .seed(5).build(),
            TrainingConfig.builder().loss("softmax").optimizer("adagrad").batchSize(24).epochs(2).learningRate(0.2)
                .reg(1e-3).precision(precision).seed(5).build(),
            TrainingConfig.builder().loss("softmax").hidden(List.of(16)).dropout(0.2).optimizer("adam")
                .learningRate(0.01).batchSize(32).epochs(2).precision(precision).seed(5).build())) {
          Model model = Model.of(config.model().spec(500, 3));
          ShardComputer computer = new ShardComputer(model, Losses.parse(config.loss()), 3, precision, 5);
          double[] theta = new double[model.layout().size()];
          config.model().initializer().initialize(model.layout(), theta, 5);
          io.downhill.linalg.Buf params = computer.params(theta);
          boolean rowSparse = sparse.train().map(shard -> computer.gradient(shard, 0,
              new io.downhill.shard.StepPlan(0, 1, 15, 1), params, io.downhill.model.BatchSums.ALONE).isRowSparse())
              .reduce((a, b) -> a && b);
          assertTrue(rowSparse, "every partition sends touched rows only: " + config);
          TrainingResult a = train(sparse, config, true);
          TrainingResult b = train(sparse, config, false);
          assertArrayEquals(a.theta(), b.theta(), 0.0, precision + " " + config);
        }
      } finally {
        sparse.unpersist();
      }
    }
  }

  /** {@code --preprocess scale} divides by σ without centering, so sparse rows stay CSR (standardize would densify them). */
  @Test
  void scalingKeepsSparseRowsSparse() {
    TrainingData scaled = DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(libsvm).seed(5).partitions(2)
        .valFraction(0).precision(Precision.FLOAT64).preprocess(Preprocess.SCALE).numFeatures(500).build());
    TrainingData raw = load(libsvm, Storage.AUTO);
    TrainingData centered = DataLoader.load(TestSpark.session(), DataLoader.Settings.builder(libsvm).seed(5)
        .partitions(2).valFraction(0).precision(Precision.FLOAT64).preprocess(Preprocess.STANDARDIZE).numFeatures(500)
        .build());
    try {
      assertEquals("csr", scaled.storage());
      assertEquals("csr", raw.storage());
      assertEquals("dense", centered.storage(), "centering fills every row");
      double[] sq = new double[500];
      double[] sum = new double[500];
      long n = 0;
      for (Shard shard : scaled.train().collect()) {
        for (io.downhill.data.Block b : shard.blocks()) {
          for (int i = 0; i < b.rows(); i++, n++) {
            double[] row = b.row(i, new double[500]);
            for (int j = 0; j < 500; j++) {
              sum[j] += row[j];
              sq[j] += row[j] * row[j];
            }
          }
        }
      }
      for (int j = 0; j < 500; j++) {
        double variance = (sq[j] - sum[j] * sum[j] / n) / (n - 1);
        if (variance > 0) {
          assertEquals(1.0, variance, 1e-9, "unit variance of feature " + j);
        }
      }
    } finally {
      scaled.unpersist();
      raw.unpersist();
      centered.unpersist();
    }
  }

  @Test
  void autoKeepsDenseImageRowsDense() throws IOException {
    DataSpec idx = DataSpec.parse("idx:" + DataFiles.idxDirectory(dir.resolve("idx"), 200, 50, 6, 6, 4, true), List.of());
    TrainingData td = load(idx, Storage.AUTO);
    try {
      for (Shard s : td.train().collect()) {
        assertFalse(s.isSparse());
      }
    } finally {
      td.unpersist();
    }
  }
}
