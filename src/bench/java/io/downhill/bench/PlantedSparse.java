package io.downhill.bench;

import io.downhill.shard.BatchPlan;
import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The sparse benchmark's data: rows of {@code nnz} distinct features out of {@code d}, labelled by
 * a planted linear model, generated inside the tasks (row {@code i} is a pure function of the seed
 * and {@code i}; nothing is shipped from the driver but the row ranges).
 *
 * <ul>
 *   <li>Features are drawn as {@code j = ⌊d·u²⌋} for uniform {@code u}: a few frequent features
 *       and a long tail, like hashed categorical or text columns (feature j's frequency falls as
 *       {@code 1/√j}). Duplicates within a row are dropped.
 *   <li>Values are {@code 1/√m} for the row's {@code m} features (a binary row scaled to unit
 *       length, as after HashingTF and an L2 Normalizer).
 *   <li>The planted weights {@code W*[j][c]} are standard normal, drawn from a hash of
 *       {@code (seed, j, c)}, so no task needs the d×k matrix.
 *   <li>The label is {@code argmax_c (β·s_c + g_c)} with {@code s = W*ᵀx} (each {@code s_c} is
 *       standard normal) and Gumbel noise {@code g}: the labels are softmax samples of the planted
 *       model at inverse temperature β, so no model is exact and the best accuracy is below 1.
 * </ul>
 */
final class PlantedSparse implements Serializable {
  private static final long serialVersionUID = 1L;

  static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("label", DataTypes.DoubleType, false),
      DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)});

  final int features;
  final int nnz;
  final int classes;
  final double beta;
  final double skew;
  final long seed;

  PlantedSparse(int features, int nnz, int classes, double beta, double skew, long seed) {
    this.features = features;
    this.nnz = nnz;
    this.classes = classes;
    this.beta = beta;
    this.skew = skew;
    this.seed = seed;
  }

  /** Rows {@code [from, from+count)} as a DataFrame of (label, features) in {@code partitions} partitions. */
  Dataset<Row> frame(SparkSession spark, long from, long count, int partitions) {
    PlantedSparse gen = this;
    JavaRDD<Row> rows = spark.range(from, from + count, 1, partitions).javaRDD().map(gen::row);
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Row {@code id}: its label and sparse features. */
  Row row(long id) {
    SplittableRandom r = new SplittableRandom(mix(seed, id));
    int[] idx = new int[nnz];
    for (int i = 0; i < nnz; i++) {
      double u = r.nextDouble();
      idx[i] = (int) Math.min(features - 1, (long) (features * Math.pow(u, skew)));
    }
    Arrays.sort(idx);
    int m = 0;
    for (int i = 0; i < nnz; i++) {
      if (m == 0 || idx[i] != idx[m - 1]) {
        idx[m++] = idx[i];
      }
    }
    idx = Arrays.copyOf(idx, m);
    double value = 1 / Math.sqrt(m);
    double[] values = new double[m];
    Arrays.fill(values, value);
    int label = 0;
    double best = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      double s = 0;
      for (int j : idx) {
        s += weight(j, c);
      }
      double gumbel = -Math.log(-Math.log(r.nextDouble() + Double.MIN_VALUE));
      double v = beta * s * value + gumbel;
      if (v > best) {
        best = v;
        label = c;
      }
    }
    return RowFactory.create((double) label, Vectors.sparse(features, idx, values));
  }

  /** W*[j][c], standard normal. */
  double weight(int j, int c) {
    return new SplittableRandom(mix(seed ^ 0x5DEECE66DL, (long) j * classes + c)).nextGaussian();
  }

  private static long mix(long a, long b) {
    return BatchPlan.scramble(a * 0x9E3779B97F4A7C15L + b);
  }
}
