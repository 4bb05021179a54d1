package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.Labels;
import io.downhill.data.Shard;
import io.downhill.data.Storage;
import io.downhill.linalg.Precision;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The splits of a run as preprocessed DataFrames, checked, before blocking ({@link DataLoader}),
 * and their blocking into cached shards ({@link #cache}).
 *
 * @param train         training rows
 * @param validation    held-out rows, or null
 * @param test          test rows, or null
 * @param trainName     the training data's name in messages
 * @param testName      the test data's name in messages
 * @param features      d after preprocessing
 * @param labels        label mapping (k classes)
 * @param classWeights  the class weights multiplied into the training rows' weights, or null
 * @param preprocess    the preprocessing asked for
 * @param preprocessing its fitted stages, or null
 * @param imageShape    {rows, cols} or {channels, rows, cols} for image data, else null
 */
record PreparedSplits(Dataset<Row> train, Dataset<Row> validation, Dataset<Row> test, String trainName,
    String testName, int features, Labels labels, double[] classWeights, Preprocess preprocess,
    PipelineModel preprocessing, int[] imageShape) {
  private static final Logger LOG = LoggerFactory.getLogger(PreparedSplits.class);

  /**
   * Blocks every split ({@link Blockify}), caches the blocks and computes them once.
   *
   * @param blockRows    rows per block, or 0 for about 32 MB blocks
   * @param weighted     the training and validation rows have a weight column
   * @param weightedTest the test rows have one too
   */
  TrainingData cache(Storage storage, Precision p, int blockRows, boolean weighted, boolean weightedTest) {
    int d = features;
    int rowsPerBlock = blockRows > 0 ? blockRows : Blockify.autoBlockRows(d, p);
    JavaRDD<Shard> trainShards = cache(Blockify.shards(storage, train, labels, d, p, rowsPerBlock, weighted,
        classWeights, "training data (" + trainName + ")"), "train");
    JavaRDD<Shard> valShards = validation == null ? null : cache(Blockify.shards(storage, validation, labels, d, p,
        rowsPerBlock, weighted, null, "validation data (" + trainName + ")"), "validation");
    JavaRDD<Shard> testShards = test == null ? null : cache(Blockify.shards(storage, test, labels, d, p,
        rowsPerBlock, weightedTest, null, "test data (" + testName + ")"), "test");

    long[] trainStats = materialize(trainShards);
    long[] valStats = materialize(valShards);
    long[] testStats = materialize(testShards);
    if (trainStats[0] == 0) {
      throw BadInputException.of(trainName, "no training rows", "at least one row after the validation split",
          "0 rows");
    }
    long cached = trainStats[1] + valStats[1] + testStats[1];
    String stored = trainStats[3] == 0 ? "dense" : trainStats[3] == trainStats[0] ? "csr" : "mixed";
    LOG.info("cached {} train, {} validation, {} test rows of {} features as {} {} blocks of up to {} rows: {} MB",
        trainStats[0], valStats[0], testStats[0], d, p, stored, rowsPerBlock, cached >> 20);
    return new TrainingData(trainShards, valShards, testShards, d, labels, classWeights, trainStats[0],
        valStats[0], testStats[0], preprocess, preprocessing, imageShape, cached, trainStats[2], stored);
  }

  /**
   * Caches the blocks and cuts their lineage. Every task of every step serializes its stage's RDD
   * lineage, and the blocks descend from a DataFrame plan: cutting it saves several ms per job
   * (docs/BENCHMARKS.md). In local mode the driver is the only executor, so a local checkpoint
   * (blocks kept by the block manager) loses nothing; on a cluster the lineage is cut only into a
   * reliable checkpoint directory, when Spark has one, so a lost executor's blocks can be read back.
   */
  private static JavaRDD<Shard> cache(JavaRDD<Shard> shards, String name) {
    JavaRDD<Shard> cached = shards.setName("downhill " + name + " blocks").persist(StorageLevel.MEMORY_ONLY());
    SparkContext sc = cached.context();
    if (sc.isLocal()) {
      cached.rdd().localCheckpoint();
    } else if (sc.getCheckpointDir().isDefined()) {
      cached.checkpoint();
    }
    return cached;
  }

  /** Computes (and so caches) the shards; returns {rows, bytes, fingerprint, rows stored as CSR}. */
  private static long[] materialize(JavaRDD<Shard> shards) {
    if (shards == null) {
      return new long[4];
    }
    return shards.map(s -> new long[] {s.rows(), s.bytes(), s.fingerprint(), s.isSparse() ? s.rows() : 0})
        .reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]});
  }
}
