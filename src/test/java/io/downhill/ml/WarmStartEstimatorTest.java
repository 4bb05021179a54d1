package io.downhill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.shard.Split;
import io.downhill.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Estimator's {@code initialModel} Param: checked, saved with the Params, and a real warm start. */
class WarmStartEstimatorTest {
  private static SparkSession spark;
  private static Dataset<Row> train;

  /** Three overlapping Gaussian classes in 8 standardized-scale features. */
  private static Dataset<Row> blobs(int rows, long seed, int width) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int y = i % 3;
      double[] x = new double[width];
      for (int j = 0; j < width; j++) {
        x[j] = (j % 3 == y ? 0.8 : 0.0) + rng.nextGaussian();
      }
      list.add(RowFactory.create((double) y, Vectors.dense(x)));
    }
    return spark.createDataFrame(list, new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)}));
  }

  @BeforeAll
  static void data() {
    spark = TestSpark.session();
    train = blobs(2000, 5, 8).cache();
  }

  private static DownhillClassifier sgd() {
    return new DownhillClassifier().setOptimizer("sgd").setSchedule("constant").setLearningRate(0.01)
        .setBatchSize(64).setEpochs(3).setNumPartitions(2).setSeed(3);
  }

  private static double lastTrainLoss(DownhillClassificationModel m) {
    double[] loss = m.summary().loss(Split.TRAIN);
    return loss[loss.length - 1];
  }

  @Test
  void initialModelRoundTripsAndWarmStarts(@TempDir Path dir) throws Exception {
    // the Param: checked when set, saved and loaded with the estimator's other Params
    assertThrows(IllegalArgumentException.class, () -> sgd().setInitialModel(" padded "));
    assertEquals("", sgd().getInitialModel(), "default: none");
    String parentPath = dir.resolve("parent").toString();
    DownhillClassifier warm = sgd().setInitialModel(parentPath);
    String estimatorPath = dir.resolve("estimator").toString();
    warm.write().overwrite().save(estimatorPath);
    DownhillClassifier loaded = DownhillClassifier.load(estimatorPath);
    assertEquals(parentPath, loaded.getInitialModel());

    // 3 epochs, saved; 3 more from it end lower than 3 from random weights (and than the parent)
    DownhillClassificationModel parent = sgd().fit(train);
    parent.write().overwrite().save(parentPath);
    DownhillClassificationModel child = loaded.fit(train);
    DownhillClassificationModel cold = sgd().fit(train);
    double p = lastTrainLoss(parent);
    double c = lastTrainLoss(child);
    double k = lastTrainLoss(cold);
    assertEquals(p, k, 0.0, "the same fit twice: same loss");
    assertTrue(c < k - 0.01, "warm " + c + " vs cold " + k);
    assertTrue(child.summary().loss(Split.TRAIN)[0] < cold.summary().loss(Split.TRAIN)[0] - 0.02,
        "the warm fit's first epoch starts from the parent's weights");
    assertTrue(child.summary().get("init_model").get("path").asText().endsWith("parent"), child.summary().json());
    var recorded = child.summary().get("init_model").get("parent");
    assertEquals(3, recorded.get("epochs_run").asInt(), recorded.toString());
    assertFalse(recorded.has("epoch_metrics"), "the parent's identity, not its whole history");
    assertTrue(child.summary().get("settings").get("initialModel").asText().contains("parent"));
    assertFalse(cold.summary().json().contains("init_model"));

    // a parent of another width or architecture is refused with one line naming the difference
    BadInputException wider = assertThrows(BadInputException.class,
        () -> sgd().setInitialModel(parentPath).fit(blobs(300, 6, 10)));
    assertEquals("DownhillClassifier initialModel " + parentPath + ": input width differs: saved 8 features, this "
        + "run 10 features (featuresCol features)", wider.getMessage());
    BadInputException mlp = assertThrows(BadInputException.class,
        () -> sgd().setModelType("mlp").setHiddenLayers(new int[] {4}).setInitialModel(parentPath).fit(train));
    assertEquals("DownhillClassifier initialModel " + parentPath + ": architecture differs: saved linear 8-3, this "
        + "run mlp 8-4-3 (relu)", mlp.getMessage());
  }
}
