package io.downhill.spark;

import io.downhill.data.Labels;
import io.downhill.data.Shard;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.PipelineModel;

/**
 * The cached, blocked splits of a run and what is known about them.
 *
 * @param train          training shards, one per partition, cached
 * @param validation     held-out shards, or null when {@code --val-fraction 0}
 * @param test           test shards, or null when there is no test data
 * @param features       d
 * @param labels         label mapping (k classes, or real-valued labels for regression)
 * @param classWeights   the class weights multiplied into the training rows' weights, or null
 * @param preprocessing  the fitted preprocessing stages ({@link Preprocess}), or null
 * @param imageShape     {rows, cols} or {channels, rows, cols} for image data, else null
 * @param cachedBytes    bytes of feature, label and weight arrays cached over all splits
 * @param fingerprint    {@link io.downhill.data.Shard#fingerprint} of the training rows (order-free)
 * @param storage        how the training rows are cached: "dense", "csr" or "mixed" (partitions differ)
 */
public record TrainingData(JavaRDD<Shard> train, JavaRDD<Shard> validation, JavaRDD<Shard> test, int features,
    Labels labels, double[] classWeights, long trainRows, long validationRows, long testRows, Preprocess preprocess,
    PipelineModel preprocessing, int[] imageShape, long cachedBytes, long fingerprint, String storage) {

  /**
   * The data's identity, part of a checkpoint's settings: rows, features, classes, partitions,
   * preprocessing and the content fingerprint.
   */
  public String identity() {
    return String.format(java.util.Locale.ROOT, "%d rows, %d features, %s, %d partitions, preprocess %s, "
        + "fingerprint %016x", trainRows, features, labels.isReal() ? "real-valued labels"
        : labels.numClasses() + " classes", train.getNumPartitions(), preprocess.label(), fingerprint);
  }

  /**
   * Drops the cached blocks. A locally checkpointed RDD (local mode) is dropped through the context
   * rather than {@code RDD.unpersist}, which would log a warning per RDD per fit that its lineage is
   * gone (dozens of lines under a CrossValidator); nothing will recompute these blocks, so the
   * warning has nothing to say. {@code SparkContext.unpersistRDD} is what {@code unpersist} calls
   * after that warning; it is {@code private[spark]} in Scala and public in the bytecode.
   */
  public void unpersist() {
    for (JavaRDD<Shard> rdd : new JavaRDD[] {train, validation, test}) {
      if (rdd == null) {
        continue;
      }
      if (rdd.rdd().isLocallyCheckpointed()) {
        rdd.context().unpersistRDD(rdd.id(), false);
      } else {
        rdd.unpersist(false);
      }
    }
  }
}
