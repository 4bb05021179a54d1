package io.downhill.bench;

import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.spark.TrainingData;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.GradientDescent;
import org.apache.spark.mllib.optimization.LogisticGradient;
import org.apache.spark.mllib.optimization.SquaredL2Updater;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Spark's own optimizers on exactly the rows Downhill trains on (read back from its cached
 * blocks, same partitions, cached): each run's wall time, and the test accuracy it reached.
 */
final class SparkBaselines {
  private SparkBaselines() {}

  /** One fit of a Spark optimizer: its settings, iterations, seconds and test accuracy. */
  record Fit(String system, String settings, int iterations, double seconds, double accuracy) {}

  private static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("label", DataTypes.DoubleType, false),
      DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});

  /** The rows of cached shards as a cached DataFrame of (label, features), same partitions. */
  static Dataset<Row> frame(SparkSession spark, JavaRDD<Shard> shards) {
    JavaRDD<Row> rows = shards.flatMap(shard -> {
      List<Row> out = new ArrayList<>();
      for (Block b : shard.blocks()) {
        for (int i = 0; i < b.rows(); i++) {
          double[] x = b.row(i, new double[b.cols()]);
          out.add(RowFactory.create((double) b.labels()[i], org.apache.spark.ml.linalg.Vectors.dense(x)));
        }
      }
      return out.iterator();
    });
    Dataset<Row> frame = spark.createDataFrame(rows, SCHEMA).persist(StorageLevel.MEMORY_ONLY());
    frame.count();
    return frame;
  }

  private static double accuracy(Dataset<Row> predictions) {
    return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
  }

  /** Multinomial logistic regression, L-BFGS, regParam 1e-4 (the same L2 as Downhill's softmax). */
  static Fit logisticRegression(Dataset<Row> train, Dataset<Row> test, int maxIter) {
    long t0 = System.nanoTime();
    LogisticRegressionModel model = new LogisticRegression().setFamily("multinomial").setRegParam(1e-4)
        .setMaxIter(maxIter).fit(train);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Fit("Spark ML LogisticRegression", "multinomial, L-BFGS, regParam 1e-4, maxIter " + maxIter,
        model.summary().totalIterations(), seconds, accuracy(model.transform(test)));
  }

  /** MultilayerPerceptronClassifier (L-BFGS, sigmoid hidden layer: the only kind it has). */
  static Fit perceptron(Dataset<Row> train, Dataset<Row> test, int hidden, int maxIter) {
    long t0 = System.nanoTime();
    MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier()
        .setLayers(new int[] {784, hidden, 10}).setMaxIter(maxIter).setSeed(42L).fit(train);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Fit("Spark ML MultilayerPerceptronClassifier", "784-" + hidden + "-10, L-BFGS, maxIter " + maxIter,
        maxIter, seconds, accuracy(model.transform(test)));
  }

  /**
   * mllib's minibatch SGD: every iteration draws its minibatch with {@code RDD.sample} (a Bernoulli
   * filter over every row) and computes the gradient row by row.
   */
  static Fit mllibSgd(TrainingData data, double stepSize, int iterations) {
    JavaRDD<Tuple2<Object, Vector>> rows = data.train().flatMap((Shard shard) -> {
      List<Tuple2<Object, Vector>> out = new ArrayList<>();
      for (Block b : shard.blocks()) {
        for (int i = 0; i < b.rows(); i++) {
          double[] x = b.row(i, new double[b.cols()]);
          out.add(new Tuple2<>((double) b.labels()[i], Vectors.dense(x)));
        }
      }
      return out.iterator();
    }).persist(StorageLevel.MEMORY_ONLY());
    rows.count();
    int d = data.features();
    long t0 = System.nanoTime();
    Tuple2<Vector, double[]> fit = GradientDescent.runMiniBatchSGD(rows.rdd(), new LogisticGradient(10),
        new SquaredL2Updater(), stepSize, iterations, 1e-4, 0.01, Vectors.zeros(9 * d));
    double seconds = (System.nanoTime() - t0) / 1e9;
    rows.unpersist(false);
    org.apache.spark.mllib.classification.LogisticRegressionModel model =
        new org.apache.spark.mllib.classification.LogisticRegressionModel(fit._1(), 0.0, d, 10);
    long[] correct = data.test().map(shard -> {
      long[] c = {0, 0};
      for (Block b : shard.blocks()) {
        for (int i = 0; i < b.rows(); i++) {
          double[] x = b.row(i, new double[b.cols()]);
          c[0] += model.predict(Vectors.dense(x)) == b.labels()[i] ? 1 : 0;
          c[1]++;
        }
      }
      return c;
    }).reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    return new Fit("mllib GradientDescent.runMiniBatchSGD", "LogisticGradient(10), miniBatchFraction 0.01, stepSize "
        + stepSize + ", " + iterations + " iterations", iterations, seconds, (double) correct[0] / correct[1]);
  }
}
