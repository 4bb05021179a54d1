package io.downhill.ml;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.downhill.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * docs/SPARK-ML.md promises that a weight column of ones gives exactly the weights of an
 * unweighted fit. Rows go to partitions, and into the validation split, by their position in
 * the DataFrame alone, so this holds whatever the input's partitioning, and the fit is the same
 * for 1, 2 or 3 input partitions of the same rows.
 */
class WeightColPlacementTest {
  private static List<Row> rows(int n) {
    SplittableRandom rng = new SplittableRandom(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int y = rng.nextInt(3);
      double[] x = new double[4];
      for (int j = 0; j < x.length; j++) {
        x[j] = (j == y ? 1.5 : 0.0) + rng.nextGaussian();
      }
      rows.add(RowFactory.create((double) y, Vectors.dense(x)));
    }
    return rows;
  }

  @Test
  void weightsOfOneGiveTheUnweightedFitBitForBitWhateverTheInputPartitioning() {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.DoubleType, false),
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});
    List<Row> rows = rows(1001);
    DownhillClassifier estimator = new DownhillClassifier().setModelType("mlp").setHiddenLayers(new int[] {5})
        .setOptimizer("adam").setLearningRate(0.01).setEpochs(2).setBatchSize(50).setNumPartitions(2).setSeed(7);
    DownhillClassifier weighted = estimator.copy(new ParamMap()).setWeightCol("w");
    List<Dataset<Row>> inputs = new ArrayList<>();
    for (int partitions = 1; partitions <= 3; partitions++) {
      inputs.add(TestSpark.session().createDataFrame(TestSpark.jsc().parallelize(rows, partitions), schema));
    }
    double[] first = estimator.fit(inputs.get(0)).weights();
    for (int i = 0; i < inputs.size(); i++) {
      Dataset<Row> plain = inputs.get(i);
      double[] unweighted = i == 0 ? first : estimator.fit(plain).weights();
      double[] ones = weighted.fit(plain.withColumn("w", lit(1.0))).weights();
      assertArrayEquals(unweighted, ones, 0.0, "weights of 1 change nothing (" + (i + 1) + " partitions in)");
      assertArrayEquals(first, unweighted, 0.0, (i + 1) + " partitions in, as 1 partition in");
    }

    // the validation split holds out the same rows too
    ParamMap validation = new ParamMap().put(estimator.validationFraction(), 0.2);
    double[] unweighted = estimator.copy(validation).fit(inputs.get(2)).weights();
    double[] ones = weighted.copy(validation).fit(inputs.get(0).withColumn("w", lit(1.0))).weights();
    assertArrayEquals(unweighted, ones, 0.0, "with a validation split: 3 partitions in unweighted, 1 in weighted");
  }
}
