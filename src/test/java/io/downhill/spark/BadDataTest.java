package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.linalg.Precision;
import io.downhill.model.ModelSpec;
import io.downhill.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14's bad data through {@link DataLoader} and {@link Sources}: DataFrames, paths and sizes. */
class BadDataTest {
  @TempDir
  Path dir;

  private static DataLoader.Settings settings(String name) {
    return DataLoader.Settings.builder(DataSpec.dataFrame(name)).valFraction(0).seed(1).partitions(2)
        .precision(Precision.FLOAT64).preprocess(Preprocess.STANDARDIZE).build();
  }

  private static String fails(Dataset<Row> frame, String name) {
    BadInputException e = assertThrows(BadInputException.class,
        () -> DataLoader.load(TestSpark.session(), frame, null, settings(name)).unpersist());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aNonFiniteValueInAVectorColumnIsReportedBeforeTheScalerSeesIt() {
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create((double) (i % 2), Vectors.dense(i, i == 13 ? Double.POSITIVE_INFINITY : 1.0)));
    }
    String m = fails(TestSpark.session().createDataFrame(rows, schema), "my frame");
    assertEquals("my frame, row with label 1, 'features' index 1: non-finite feature value: expected a finite number, "
        + "found Infinity", m);
  }

  @Test
  void anEmptyCellOfAnAssembledColumnNamesTheColumn() {
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("x1", DataTypes.DoubleType)
        .add("x2", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create((double) (i % 2), i * 0.5, i == 4 ? null : i));
    }
    String m = fails(TestSpark.session().createDataFrame(rows, schema), "frame");
    assertTrue(m.startsWith("frame, row with label 0, column 'x2': missing or non-finite value"), m);
  }

  @Test
  void aMissingLabelNamesTheData() {
    StructType schema = new StructType().add("label", DataTypes.DoubleType).add("x1", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(i == 3 ? null : (double) (i % 2), i * 0.5));
    }
    String m = fails(TestSpark.session().createDataFrame(rows, schema), "labelled frame");
    assertTrue(m.startsWith("labelled frame, label column: missing label"), m);
  }

  @Test
  void numFeaturesIsForLibsvmOnly() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> DataLoader.Settings.builder(DataSpec.parse("synthetic", List.of())).numFeatures(5).build());
    assertEquals("--num-features 5: option does not apply to this data: expected LIBSVM data (libsvm:FILE; other "
        + "formats fix their width), found synthetic", e.getMessage());
    DataLoader.Settings.builder(DataSpec.parse("libsvm:x.svm", List.of())).numFeatures(5).build();
  }

  @Test
  void widthsAndModelsTooLargeAreRefusedByArithmeticAlone() {
    DataLoader.checkWidth(784, 10, "x"); // fits
    BadInputException wide = assertThrows(BadInputException.class,
        () -> DataLoader.checkWidth(Integer.MAX_VALUE, 2, "libsvm:/a.svm"));
    assertTrue(wide.getMessage().startsWith("libsvm:/a.svm: too many features: expected at most "), wide.getMessage());
    ModelSpec.linear(784, 10).checkFits("m", 1L << 30);
    BadInputException big = assertThrows(BadInputException.class,
        () -> ModelSpec.mlp(100_000, List.of(100_000), 10, "relu", 0)
            .checkFits("--model mlp", 1L << 30));
    assertTrue(big.getMessage().contains("found 10001100010 parameters"), big.getMessage());
  }

  @Test
  void localPathsAreQualifiedUnencodedAndUrisKept() throws Exception {
    Path colon = Files.createDirectories(dir.resolve("c:d"));
    assertEquals("file:" + dir.resolve("a b").resolve("x%20y"), HadoopOpener.qualify(dir + "/a b/x%20y"));
    assertEquals("file:" + colon, HadoopOpener.qualify(colon.toString()));
    assertEquals("hdfs://nn:8020/data/x", HadoopOpener.qualify("hdfs://nn:8020/data/x"));
    assertEquals("file:/tmp/x", HadoopOpener.qualify("file:/tmp/x"));
    assertEquals("file:" + Path.of("").toAbsolutePath().resolve("c:d/t.csv"), HadoopOpener.qualify("c:d/t.csv"),
        "a relative path with a colon is local, not a URI of scheme 'c'");
    Path file = Files.writeString(colon.resolve("a b%20.txt"), "hello");
    HadoopOpener opener = new HadoopOpener();
    String q = HadoopOpener.qualify(file.toString());
    assertTrue(opener.exists(q));
    assertEquals(5, opener.length(q));
    try (var in = opener.open(q)) {
      assertEquals("hello", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
