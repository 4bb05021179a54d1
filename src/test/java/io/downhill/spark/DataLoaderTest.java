package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.data.Block;
import io.downhill.data.DataSpec;
import io.downhill.data.IdxReader;
import io.downhill.data.Opener;
import io.downhill.data.RowCursor;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every input format through the real Spark path, and what each kind of bad input reports. */
class DataLoaderTest {
  @TempDir
  Path dir;

  private static DataLoader.Builder builder(String train) {
    return DataLoader.Settings.builder(DataSpec.parse(train, List.of())).seed(1).partitions(2)
        .precision(Precision.FLOAT64).preprocess(Preprocess.NONE);
  }

  private static DataLoader.Settings settings(String train, String test, double val, int numFeatures, String weightCol) {
    return builder(train).test(test == null ? null : DataSpec.parse(test, List.of())).valFraction(val)
        .numFeatures(numFeatures).weightCol(weightCol).build();
  }

  private static TrainingData load(DataLoader.Settings s) {
    return DataLoader.load(TestSpark.session(), s);
  }

  private static String fails(Executable e) {
    BadInputException ex = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class, e);
    assertTrue(!ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
    return ex.getMessage();
  }

  /** All rows of a split, as (label, features...) in partition and block order. */
  private static List<double[]> rows(TrainingData td, boolean test) {
    List<double[]> rows = new ArrayList<>();
    for (Shard s : (test ? td.test() : td.train()).collect()) {
      for (Block b : s.blocks()) {
        for (int i = 0; i < b.rows(); i++) {
          double[] r = new double[b.cols() + 1];
          r[0] = b.labels()[i];
          double[] features = b.row(i, new double[b.cols()]); // dense or CSR storage alike
          System.arraycopy(features, 0, r, 1, b.cols());
          rows.add(r);
        }
      }
    }
    return rows;
  }

  @Test
  void idxRowsReadInsideTasksEqualTheFileScaledToUnitRange() throws IOException {
    Path idx = DataFiles.idxDirectory(dir.resolve("idx"), 200, 40, 4, 5, 3, true);
    TrainingData td = load(settings("idx:" + idx, null, 0.0, 0, null));
    try {
      assertEquals(20, td.features());
      assertEquals(200, td.trainRows());
      assertEquals(40, td.testRows());
      assertArrayEquals(new int[] {4, 5}, td.imageShape());
      List<double[]> test = rows(td, true);
      IdxReader.Pair pair = IdxReader.open(Opener.LOCAL, idx.resolve("t10k-images-idx3-ubyte.gz").toString(),
          idx.resolve("t10k-labels-idx1-ubyte.gz").toString());
      try (RowCursor c = IdxReader.cursor(Opener.LOCAL, pair, 0, 40)) {
        int i = 0;
        while (c.next()) {
          double[] expected = new double[21];
          expected[0] = c.label();
          for (int j = 0; j < 20; j++) {
            expected[j + 1] = (c.pixels()[j] & 0xFF) / 255.0;
          }
          assertArrayEquals(expected, test.get(i++), 1e-15);
        }
      }
    } finally {
      td.unpersist();
    }
  }

  @Test
  void theValidationSplitIsSeededAndIndependentOfThePartitionCount() throws IOException {
    Path idx = DataFiles.idxDirectory(dir.resolve("idx"), 1000, 10, 3, 3, 3, false);
    DataLoader.Settings two = settings("idx:" + idx, null, 0.2, 0, null);
    DataLoader.Settings five = builder("idx:" + idx).valFraction(0.2).partitions(5).build();
    TrainingData a = load(two);
    TrainingData b = load(five);
    try {
      assertEquals(a.validationRows(), b.validationRows());
      assertTrue(a.validationRows() > 150 && a.validationRows() < 250, "about 20%: " + a.validationRows());
      assertEquals(1000, a.trainRows() + a.validationRows());
      assertEquals(validationRows(a), validationRows(b)); // the same rows, whatever the partitioning
      assertEquals(5, b.train().getNumPartitions());
    } finally {
      a.unpersist();
      b.unpersist();
    }
  }

  private static java.util.Set<String> validationRows(TrainingData td) {
    java.util.Set<String> rows = new java.util.TreeSet<>();
    for (Shard s : td.validation().collect()) {
      for (Block b : s.blocks()) {
        for (int i = 0; i < b.rows(); i++) {
          rows.add(Arrays.toString(Arrays.copyOfRange(b.x().d, i * b.cols(), (i + 1) * b.cols())));
        }
      }
    }
    return rows;
  }

  @Test
  void cifarBatchesInTheirExactLayout() throws IOException {
    Path c = DataFiles.cifarDirectory(dir.resolve("cifar"), 6, 4);
    TrainingData td = load(settings("cifar10:" + c, null, 0.0, 0, null));
    try {
      assertEquals(3072, td.features());
      assertEquals(10, td.labels().numClasses());
      assertEquals(30, td.trainRows());
      assertEquals(4, td.testRows());
      assertArrayEquals(new int[] {3, 32, 32}, td.imageShape());
      List<double[]> test = rows(td, true);
      // test record 2: label 2, pixel p = (2*25 + p + 2) & 0xFF, scaled
      assertEquals(2, test.get(2)[0]);
      assertEquals(((50 + 1024 + 2) & 0xFF) / 255.0, test.get(2)[1 + 1024], 1e-15);
    } finally {
      td.unpersist();
    }
  }

  @Test
  void libsvmThroughSparksSourceWithTheTrainingDimensionForTheTestFile() throws IOException {
    Path train = DataFiles.lines(dir.resolve("a.train"), List.of("+1 1:0.5 6:1", "-1 2:1", "+1 3:0.25 4:1", "-1 5:2"));
    // like a9a's test split: the last feature index never occurs
    Path test = DataFiles.lines(dir.resolve("a.test"), List.of("-1 1:1", "+1 2:0.5 4:1"));
    TrainingData td = load(settings("libsvm:" + train, "libsvm:" + test, 0.0, 0, null));
    try {
      assertEquals(6, td.features());
      assertTrue(td.labels().isPlusMinusOne());
      List<double[]> rows = rows(td, true);
      rows.sort((x, y) -> Double.compare(x[0], y[0])); // repartitioning may reorder rows
      assertEquals(2, rows.size());
      assertArrayEquals(new double[] {0, 1, 0, 0, 0, 0, 0}, rows.get(0));
      assertArrayEquals(new double[] {1, 0, 0.5, 0, 1, 0, 0}, rows.get(1));
    } finally {
      td.unpersist();
    }
    TrainingData wide = load(settings("libsvm:" + train, null, 0.0, 10, null));
    try {
      assertEquals(10, wide.features());
    } finally {
      wide.unpersist();
    }
  }

  @Test
  void parquetWithAVectorColumnAndCsvWithNumericColumnsAndWeights() throws IOException {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("y", DataTypes.IntegerType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false),
        DataTypes.createStructField("w", DataTypes.DoubleType, false)});
    List<Row> rows = List.of(RowFactory.create(0, Vectors.dense(1, 2), 1.0), RowFactory.create(1, Vectors.dense(3, 4), 2.0),
        RowFactory.create(2, Vectors.sparse(2, new int[] {1}, new double[] {5}), 0.5));
    Dataset<Row> frame = TestSpark.session().createDataFrame(rows, schema);
    String parquet = dir.resolve("t.parquet").toString();
    frame.write().parquet(parquet);
    DataLoader.Settings s = builder("parquet:" + parquet).valFraction(0).labelCol("y").weightCol("w").build();
    TrainingData td = load(s);
    try {
      assertEquals(2, td.features());
      assertEquals(3, td.labels().numClasses());
      assertEquals(3, td.trainRows());
      assertNull(td.test());
      double weights = 0;
      for (Shard sh : td.train().collect()) {
        for (Block b : sh.blocks()) {
          for (int i = 0; i < b.rows(); i++) {
            weights += b.weight(i);
          }
        }
      }
      assertEquals(3.5, weights, 1e-12);
    } finally {
      td.unpersist();
    }

    Path csv = DataFiles.lines(dir.resolve("t.csv"), List.of("a,b,label,c", "1,2,0,3", "4,5,1,6", "7,8,1,9"));
    TrainingData c = load(settings("csv:" + csv, null, 0.0, 0, null));
    try {
      assertEquals(3, c.features()); // a, b, c assembled by MLlib's VectorAssembler
      List<double[]> r = rows(c, false);
      r.sort((x, y) -> Double.compare(x[1], y[1]));
      assertArrayEquals(new double[] {0, 1, 2, 3}, r.get(0));
    } finally {
      c.unpersist();
    }
  }

  @Test
  void anySparkDataFrameWithALabelAndNumericColumns() {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("x1", DataTypes.DoubleType, false),
        DataTypes.createStructField("x2", DataTypes.IntegerType, false),
        DataTypes.createStructField("name", DataTypes.StringType, false)});
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(RowFactory.create((double) (i % 3), i * 0.5, i, "row" + i));
    }
    Dataset<Row> train = TestSpark.session().createDataFrame(rows, schema);
    Dataset<Row> test = train.limit(6);
    DataLoader.Settings s = DataLoader.Settings.builder(DataSpec.dataFrame("my frame")).valFraction(0.25).seed(1)
        .partitions(2).precision(Precision.FLOAT64).preprocess(Preprocess.NONE).build();
    TrainingData td = DataLoader.load(TestSpark.session(), train, test, s);
    try {
      assertEquals(2, td.features()); // x1 and x2; the string column is not a feature
      assertEquals(3, td.labels().numClasses());
      assertEquals(40, td.trainRows() + td.validationRows());
      assertTrue(td.validationRows() > 0);
      assertEquals(6, td.testRows());
      for (double[] r : rows(td, true)) {
        assertEquals(r[1] * 2, r[2], 1e-12); // x2 = 2·x1, kept in column order
        assertEquals(r[2] % 3, r[0], 1e-12);
      }
    } finally {
      td.unpersist();
    }
    List<Row> bad = List.of(RowFactory.create(0.0, 1.0, 1, "a"), RowFactory.create(7.5, 2.0, 2, "b"));
    DataLoader.Settings all = DataLoader.Settings.builder(DataSpec.dataFrame("my frame")).valFraction(0).seed(1)
        .partitions(2).precision(Precision.FLOAT64).preprocess(Preprocess.NONE).build(); // both rows train
    String label = fails(() -> DataLoader.load(TestSpark.session(), TestSpark.session().createDataFrame(bad, schema),
        null, all));
    assertTrue(label.startsWith("my frame: invalid label") && label.contains("7.5"), label);
  }

  @Test
  void classWeightsMultiplyTheTrainingRowsWeightsOnly() throws IOException {
    Path lines = DataFiles.lines(dir.resolve("cw.txt"), List.of("0 1:1", "0 1:2", "0 1:3", "1 1:4"));
    TrainingData td = load(builder("libsvm:" + lines).test(DataSpec.parse("libsvm:" + lines, List.of())).valFraction(0)
        .classWeights("balanced").build());
    try {
      assertArrayEquals(new double[] {4.0 / 6, 2.0}, td.classWeights(), 1e-12);
      double[] sums = new double[2];
      for (Shard sh : td.train().collect()) {
        for (Block b : sh.blocks()) {
          for (int i = 0; i < b.rows(); i++) {
            sums[b.labels()[i]] += b.weight(i);
          }
        }
      }
      assertArrayEquals(new double[] {2.0, 2.0}, sums, 1e-12); // balanced: each class weighs N/k in total
      for (Shard sh : td.test().collect()) {
        for (Block b : sh.blocks()) {
          assertNull(b.weights(), "evaluation data is not class-weighted");
        }
      }
    } finally {
      td.unpersist();
    }
  }

  @Test
  void preprocessingIsFittedOnTheTrainingSplitOnly() throws IOException {
    Path train = DataFiles.lines(dir.resolve("p.train"), List.of("0 1:1", "1 1:3", "0 1:5", "1 1:7"));
    Path test = DataFiles.lines(dir.resolve("p.test"), List.of("0 1:104"));
    DataLoader.Settings s = builder("libsvm:" + train).test(DataSpec.parse("libsvm:" + test, List.of())).valFraction(0)
        .preprocess(Preprocess.STANDARDIZE).build();
    TrainingData td = load(s);
    try {
      // training mean 4, sample standard deviation sqrt(20/3): the test row is standardized with those
      assertEquals((104 - 4) / Math.sqrt(20.0 / 3), rows(td, true).get(0)[1], 1e-9);
      assertTrue(td.preprocessing() != null);
    } finally {
      td.unpersist();
    }
  }

  @Test
  void autoPreprocessingLeavesWideSparseRowsAloneAndStandardizesTheRest() throws IOException {
    // 40 rows of 100 features with 2 stored values each (2%): text-like, left as they are
    List<String> sparse = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sparse.add((i % 2) + " " + (1 + i % 50) + ":1 " + (51 + i % 50) + ":" + (i + 1));
    }
    TrainingData wide = load(builder("libsvm:" + DataFiles.lines(dir.resolve("wide.txt"), sparse)).valFraction(0)
        .numFeatures(100).preprocess(Preprocess.AUTO).build());
    // the same row count with 2 of 4 features stored (50%): standardized, as dense rows are
    List<String> narrow = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      narrow.add((i % 2) + " 1:" + (i + 1) + " " + (2 + i % 3) + ":1");
    }
    TrainingData dense = load(builder("libsvm:" + DataFiles.lines(dir.resolve("narrow.txt"), narrow)).valFraction(0)
        .numFeatures(4).preprocess(Preprocess.AUTO).build());
    try {
      assertEquals(Preprocess.Kind.NONE, wide.preprocess().kind());
      assertEquals("none (auto: sparse rows, 2.00% non-zero)", wide.preprocess().label());
      assertEquals(null, wide.preprocessing());
      assertEquals(Preprocess.Kind.STANDARDIZE, dense.preprocess().kind());
      assertEquals("standardize", dense.preprocess().label());
      assertTrue(dense.preprocessing() != null);
      double mean = rows(dense, false).stream().mapToDouble(r -> r[1]).average().orElseThrow();
      assertEquals(0, mean, 1e-9, "feature 1 centred");
    } finally {
      wide.unpersist();
      dense.unpersist();
    }
    assertEquals(Preprocess.AUTO, Preprocess.parse("auto"));
  }

  @Test
  void badInputsSayWhereWhatExpectedAndFound() throws IOException {
    Path ok = DataFiles.lines(dir.resolve("ok.txt"), List.of("1 1:1 2:1", "0 1:0.5", "1 2:1"));

    String missing = fails(() -> load(settings("libsvm:" + dir.resolve("absent.txt"), null, 0, 0, null)));
    assertTrue(missing.contains("path not found") && missing.contains("absent.txt"), missing);

    Path badLine = DataFiles.lines(dir.resolve("bad.txt"), List.of("1 1:1", "0 2:1", "1 3:x", "0 1:2"));
    String unparsable = fails(() -> load(settings("libsvm:" + badLine, null, 0, 0, null)));
    assertTrue(unparsable.startsWith(badLine + ":3: feature value is not a number"), unparsable);
    assertTrue(unparsable.contains("'x'"), unparsable);

    Path nan = DataFiles.lines(dir.resolve("nan.txt"), List.of("1 1:1", "0 2:NaN"));
    String notFinite = fails(() -> load(settings("libsvm:" + nan, null, 0, 0, null)));
    assertTrue(notFinite.contains("nan.txt:2: feature value is not finite"), notFinite);

    Path badLabel = DataFiles.lines(dir.resolve("label.txt"), List.of("0 1:1", "1 1:1", "2.5 2:1"));
    String fraction = fails(() -> load(settings("libsvm:" + badLabel, null, 0, 0, null)));
    assertTrue(fraction.contains("invalid label") && fraction.contains("2.5"), fraction);

    Path testLabels = DataFiles.lines(dir.resolve("t3.txt"), List.of("1 1:1", "3 2:1"));
    String outOfRange = fails(() -> load(settings("libsvm:" + ok, "libsvm:" + testLabels, 0, 0, null)));
    assertTrue(outOfRange.contains("t3.txt:2: label out of range: expected integer labels 0..1, found 3"), outOfRange);

    Path wide = DataFiles.lines(dir.resolve("wide.txt"), List.of("1 1:1 7:1"));
    String dimension = fails(() -> load(settings("libsvm:" + ok, "libsvm:" + wide, 0, 0, null)));
    assertTrue(dimension.contains("wide.txt:1: feature index out of range: expected 1..2"), dimension);

    Path empty = DataFiles.lines(dir.resolve("empty.txt"), List.of());
    String none = fails(() -> load(settings("libsvm:" + empty, null, 0, 0, null)));
    assertTrue(none.contains("empty.txt"), none);

    Path truncated = DataFiles.idxDirectory(dir.resolve("trunc"), 300, 20, 8, 8, 10, true);
    byte[] gz = Files.readAllBytes(truncated.resolve("train-images-idx3-ubyte.gz"));
    Files.write(truncated.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
    String cut = fails(() -> load(settings("idx:" + truncated, null, 0.1, 0, null)));
    assertTrue(cut.contains("train-images-idx3-ubyte.gz") && cut.contains("truncated"), cut);

    Path cifar = DataFiles.cifarDirectory(dir.resolve("c"), 3, 2);
    Files.write(cifar.resolve("data_batch_4.bin"), new byte[3073 * 2 + 5]);
    String size = fails(() -> load(settings("cifar10:" + cifar, null, 0, 0, null)));
    assertTrue(size.contains("data_batch_4.bin") && size.contains("multiple of 3073"), size);

    Path mismatch = DataFiles.idxDirectory(dir.resolve("m"), 50, 10, 4, 4, 3, false);
    Path other = DataFiles.idxDirectory(dir.resolve("o"), 50, 10, 5, 4, 3, false);
    String dims = fails(() -> load(settings("idx:" + mismatch, "idx:" + other, 0, 0, null)));
    assertTrue(dims.contains("dimension mismatch") && dims.contains("expected 16 features") && dims.contains("found 20"),
        dims);
  }

  @Test
  void pcaWhiteningDecorrelatesAndScalesToUnitVariance() {
    // three correlated features of very different scales: x, 2x + noise, -x/10 + noise
    java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      double x = rng.nextGaussian();
      list.add(RowFactory.create((double) (i % 2), Vectors.dense(3 + x, 2 * x + 0.3 * rng.nextGaussian(),
          -x / 10 + 0.05 * rng.nextGaussian())));
    }
    Dataset<Row> frame = TestSpark.session().createDataFrame(list, new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)}));
    DataLoader.Settings s = DataLoader.Settings.builder(DataSpec.dataFrame("correlated")).seed(1).partitions(2)
        .precision(Precision.FLOAT64).preprocess(Preprocess.parse("pca:2")).valFraction(0).build();
    TrainingData td = DataLoader.load(TestSpark.session(), frame, null, s);
    try {
      assertEquals(2, td.features(), "K components");
      assertEquals("pca:2 (whitened)", td.preprocess().label());
      assertEquals(3, td.preprocessing().stages().length, "StandardScaler, PCA, StandardScaler: MLlib stages");
      List<double[]> rows = rows(td, false);
      double[][] cov = new double[2][2];
      double[] mean = new double[2];
      for (double[] r : rows) {
        for (int a = 0; a < 2; a++) {
          mean[a] += r[a + 1] / rows.size();
        }
      }
      for (double[] r : rows) {
        for (int a = 0; a < 2; a++) {
          for (int b = 0; b < 2; b++) {
            cov[a][b] += (r[a + 1] - mean[a]) * (r[b + 1] - mean[b]) / (rows.size() - 1);
          }
        }
      }
      assertEquals(0, mean[0], 1e-9);
      assertEquals(0, mean[1], 1e-9);
      assertEquals(1, cov[0][0], 1e-9, "whitened: unit variance");
      assertEquals(1, cov[1][1], 1e-9, "whitened: unit variance");
      assertEquals(0, cov[0][1], 1e-9, "decorrelated");
    } finally {
      td.unpersist();
    }
    assertTrue(fails(() -> Preprocess.parse("pca:0")).contains("pca:K with an integer K >= 1"));
    assertTrue(fails(() -> Preprocess.parse("pca")).contains("pca:K"));
  }
}
