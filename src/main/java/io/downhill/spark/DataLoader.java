package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.ClassWeights;
import io.downhill.data.DataSpec;
import io.downhill.data.Labels;
import io.downhill.data.Shard;
import io.downhill.data.Storage;
import io.downhill.linalg.Precision;
import io.downhill.train.TrainingSettings;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * From data specs to cached blocks: read, hold out a seeded validation split, check labels,
 * fit preprocessing on the training split only, blockify and cache every split
 * ({@link PreparedSplits}); a failure is reported as the bad input behind it ({@link LoadFailures}).
 *
 * <p>The validation split is a seeded hash of each row's position in the input ({@code row_id},
 * see {@link Sources}), so it holds out the same rows whatever the partition count and whatever
 * other columns (a weight) the rows carry.
 */
public final class DataLoader {
  private static final long HASH_BUCKETS = 1L << 24;

  private DataLoader() {}

  /**
   * Data settings of a run.
   *
   * @param test        test data, or null (directory formats then bring their own test split)
   * @param valFraction fraction of training rows held out for validation, in [0, 1)
   * @param partitions  P, or 0 for Spark's default parallelism (the master's cores)
   * @param blockRows   rows per block, or 0 for about 32 MB blocks
   * @param numFeatures d for LIBSVM, or 0 to infer
   * @param numClasses  k, or 0 to infer from the labels
   * @param weightCol   sample-weight column of DataFrame input, or null
   * @param classWeights none, balanced or w0,w1,... ({@link ClassWeights}); weights the training rows only
   * @param storage     dense row blocks, sparse CSR blocks, or auto ({@link Storage})
   * @param regression  labels are real-valued targets ({@link Labels#real}: a regression loss), not classes
   */
  public record Settings(DataSpec train, DataSpec test, double valFraction, long seed, int partitions,
      Precision precision, int blockRows, Preprocess preprocess, int numFeatures, int numClasses,
      String labelCol, String featuresCol, String weightCol, String classWeights, Storage storage, boolean regression)
      implements Serializable {

    public Settings {
      TrainingSettings.VALIDATION_FRACTION.checked(valFraction); // the schema's validators, not copies
      TrainingSettings.NUM_PARTITIONS.checked(partitions);
      TrainingSettings.BLOCK_ROWS.checked(blockRows);
      if (numFeatures < 0 || numClasses < 0 || numClasses == 1) {
        throw BadInputException.of(numFeatures < 0 ? "--num-features" : "--num-classes", "invalid count",
            "a positive integer (classes: at least 2)", Integer.toString(numFeatures < 0 ? numFeatures : numClasses));
      }
      if (numFeatures > 0 && train.kind() != DataSpec.Kind.LIBSVM) {
        throw BadInputException.of("--num-features " + numFeatures, "option does not apply to this data",
            "LIBSVM data (libsvm:FILE; other formats fix their width)", train.text());
      }
    }

    /** Settings for {@code train} with the defaults of the command line (see {@link Builder}). */
    public static Builder builder(DataSpec train) {
      return new Builder(train);
    }

    /** These settings with another preprocessing (a warm start's kept stages). */
    public Settings withPreprocess(Preprocess p) {
      return new Settings(train, test, valFraction, seed, partitions, precision, blockRows, p, numFeatures, numClasses,
          labelCol, featuresCol, weightCol, classWeights, storage, regression);
    }

    /** These settings for real-valued labels (a regression loss) or, false, class labels. */
    public Settings withRegression(boolean r) {
      return new Settings(train, test, valFraction, seed, partitions, precision, blockRows, preprocess, numFeatures,
          numClasses, labelCol, featuresCol, weightCol, classWeights, storage, r);
    }

    Sources.Options sourceOptions(int resolvedPartitions, int numFeaturesOverride) {
      return new Sources.Options(resolvedPartitions, numFeaturesOverride, labelCol, featuresCol, weightCol, seed);
    }
  }

  /**
   * {@link Settings} with the command line's defaults: the settings schema's for what it declares
   * (validation fraction, seed, partitions, precision, block rows; {@link TrainingSettings}), and no
   * test data beyond the format's own, standardization, inferred dimensions, columns
   * label/features, no weights, class labels.
   */
  public static final class Builder {
    private final DataSpec train;
    private DataSpec test;
    private double valFraction = TrainingSettings.VALIDATION_FRACTION.defaultValue();
    private long seed = TrainingSettings.SEED.defaultValue();
    private int partitions = TrainingSettings.NUM_PARTITIONS.defaultValue();
    private Precision precision = Precision.parse(TrainingSettings.PRECISION.defaultValue());
    private int blockRows = TrainingSettings.BLOCK_ROWS.defaultValue();
    private Preprocess preprocess = Preprocess.STANDARDIZE;
    private int numFeatures;
    private int numClasses;
    private String labelCol = Sources.LABEL;
    private String featuresCol = Sources.FEATURES;
    private String weightCol;
    private String classWeights;
    private Storage storage = Storage.AUTO;
    private boolean regression;

    private Builder(DataSpec train) {
      this.train = train;
    }

    public Builder test(DataSpec v) { test = v; return this; }
    public Builder valFraction(double v) { valFraction = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder partitions(int v) { partitions = v; return this; }
    public Builder precision(Precision v) { precision = v; return this; }
    public Builder blockRows(int v) { blockRows = v; return this; }
    public Builder preprocess(Preprocess v) { preprocess = v; return this; }
    public Builder numFeatures(int v) { numFeatures = v; return this; }
    public Builder numClasses(int v) { numClasses = v; return this; }
    public Builder labelCol(String v) { labelCol = v; return this; }
    public Builder featuresCol(String v) { featuresCol = v; return this; }
    public Builder weightCol(String v) { weightCol = v; return this; }
    public Builder classWeights(String v) { classWeights = v; return this; }
    public Builder storage(Storage v) { storage = v; return this; }
    public Builder regression(boolean v) { regression = v; return this; }

    public Settings build() {
      return new Settings(train, test, valFraction, seed, partitions, precision, blockRows, preprocess, numFeatures,
          numClasses, labelCol, featuresCol, weightCol, classWeights, storage, regression);
    }
  }

  /** Reads, splits, checks, preprocesses, blockifies and caches. */
  public static TrainingData load(SparkSession spark, Settings s) {
    return load(spark, s, null);
  }

  /**
   * The same, applying {@code fitted} preprocessing stages as they are instead of fitting
   * {@code s.preprocess()} (a warm start that keeps its parent's stages; {@code s.preprocess()}
   * must then describe them, see {@link Preprocess#of}). Null fits as {@link #load(SparkSession, Settings)}.
   */
  public static TrainingData load(SparkSession spark, Settings s, PipelineModel fitted) {
    LoadFailures.Known known = new LoadFailures.Known();
    return guarded(spark, s, known, () -> block(prepare(spark, s, known, fromSpecs(spark, s), fitted), s));
  }

  /**
   * The same from DataFrames a program already has (label, features vector or numeric columns,
   * optional weight; see {@link Sources#frame}); {@code test} may be null. The specs of
   * {@code s} are ignored but for their names in messages ({@link DataSpec#dataFrame}).
   */
  public static TrainingData load(SparkSession spark, Dataset<Row> train, Dataset<Row> test, Settings s) {
    LoadFailures.Known known = new LoadFailures.Known();
    Reader frames = new Reader() {
      @Override
      public Sources.Loaded train(int partitions) {
        return Sources.frame(train, s.train().text(), s.sourceOptions(partitions, 0));
      }

      @Override
      public Sources.Loaded test(int partitions, int features) {
        return test == null ? null : Sources.frame(test, "test " + s.train().text(), s.sourceOptions(partitions, 0));
      }
    };
    return guarded(spark, s, known, () -> block(prepare(spark, s, known, frames, null), s));
  }

  /** Where the training and test data come from: specs read by {@link Sources}, or DataFrames. */
  private interface Reader {
    Sources.Loaded train(int partitions);

    /** The test data, or null when there is none. */
    Sources.Loaded test(int partitions, int features);
  }

  private static Reader fromSpecs(SparkSession spark, Settings s) {
    DataSpec testSpec = s.test() != null ? s.test() : s.train().bringsTestSplit() ? s.train() : null;
    return new Reader() {
      @Override
      public Sources.Loaded train(int partitions) {
        return Sources.read(spark, s.train(), false, s.sourceOptions(partitions, s.numFeatures()));
      }

      @Override
      public Sources.Loaded test(int partitions, int features) {
        return testSpec == null ? null
            : Sources.read(spark, testSpec, testSpec.bringsTestSplit(), s.sourceOptions(partitions, features));
      }
    };
  }

  /**
   * The first {@code n} training rows (no validation split), checked and preprocessed like
   * {@link #load}, computing only the first partition (IDX, CIFAR-10, synthetic data; the rows of
   * other sources are placed by position first, a pass over all of them) and caching nothing: a
   * real minibatch for gradient checks.
   */
  public static Head head(SparkSession spark, Settings s, int n) {
    LoadFailures.Known known = new LoadFailures.Known();
    return guarded(spark, s, known, () -> {
      PreparedSplits p = prepare(spark, s, known, fromSpecs(spark, s), null);
      // limit(n) stops every partition's reader after n rows; the rows then gather into one partition.
      Shard first = Blockify.shards(p.train().limit(n), p.labels(), p.features(), s.precision(), n, false, null,
          "training data (" + s.train().text() + ")").map(shard -> shard.head(n)).filter(shard -> shard.rows() > 0)
          .first();
      return new Head(first, p.labels());
    });
  }

  /** The first rows of the training data, and the label mapping. */
  public record Head(Shard rows, Labels labels) {}

  /** Runs {@code body}, reporting a failure as the bad input behind it ({@link LoadFailures}). */
  private static <T> T guarded(SparkSession spark, Settings s, LoadFailures.Known known, Supplier<T> body) {
    return LoadFailures.guarded(spark, s.train(), s.test(), s.numFeatures(), known, body);
  }

  /** Reads, splits, checks the labels and fits or applies the preprocessing. */
  private static PreparedSplits prepare(SparkSession spark, Settings s, LoadFailures.Known known, Reader reader,
      PipelineModel fitted) {
    if (s.regression()) {
      refuseClassesOnly(s);
    }
    int partitions = s.partitions() > 0 ? s.partitions() : spark.sparkContext().defaultParallelism();
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
    Sources.Loaded source = reader.train(partitions);
    int d = source.features();
    known.features = d;
    Dataset<Row> all = source.frame();
    Dataset<Row> train = all;
    Dataset<Row> validation = null;
    if (s.valFraction() > 0) {
      Column u = pmod(xxhash64(lit(s.seed()), col(Sources.ROW_ID)), lit(HASH_BUCKETS)).divide((double) HASH_BUCKETS);
      Dataset<Row> marked = all.withColumn("_u", u);
      train = marked.where(col("_u").geq(s.valFraction())).drop("_u");
      validation = marked.where(col("_u").lt(s.valFraction())).drop("_u");
    }

    Labels labels;
    boolean balanced = s.classWeights() != null && s.classWeights().trim().equalsIgnoreCase("balanced");
    Map<Double, Long> counts = source.labelCounts();
    if (counts == null && !s.regression() && (source.labels() == null || balanced)) {
      counts = labelCounts(train, s.train().text());
    }
    if (s.regression()) {
      labels = Labels.real(); // no counting pass: every row's target is checked as it is blocked
    } else if (source.labels() == null) {
      labels = Labels.infer(counts, s.numClasses(), s.train().text());
    } else {
      labels = source.labels();
      if (s.numClasses() > 0 && s.numClasses() != labels.numClasses()) {
        throw BadInputException.of("--num-classes", "class count disagrees with the data", labels.numClasses()
            + " (from " + s.train().text() + ")", Integer.toString(s.numClasses()));
      }
    }
    known.labels = labels;
    checkWidth(d, labels.numClasses(), s.train().text());
    double[] classWeights = ClassWeights.parse(s.classWeights(), labels, counts);

    Dataset<Row> test = null;
    Sources.Loaded t = reader.test(partitions, d);
    String testName = s.test() != null ? s.test().text() : s.train().text();
    if (t != null) {
      if (t.features() != d) {
        throw BadInputException.of(testName, "dimension mismatch between training and test data",
            d + " features (as in " + s.train().text() + ")", t.features() + " features");
      }
      test = t.frame();
    }

    PipelineModel stages;
    Preprocess preprocess = s.preprocess();
    if (fitted != null) {
      int inputs = Preprocess.inputs(fitted);
      if (inputs != d) {
        throw BadInputException.of(s.train().text(), "dimension mismatch with the preprocessing kept from the initial "
            + "model", inputs + " features (its fitted " + s.preprocess().label() + " stages)", d + " features");
      }
      stages = fitted;
    } else {
      preprocess = preprocess.resolve(train, d);
      stages = preprocess.fit(train, d, "training data (" + s.train().text() + ")");
    }
    return new PreparedSplits(Preprocess.apply(stages, train), Preprocess.apply(stages, validation),
        Preprocess.apply(stages, test), s.train().text(), testName, preprocess.outputFeatures(d), labels,
        classWeights, preprocess, stages, preprocess.kind() == Preprocess.Kind.PCA ? null : source.imageShape());
  }

  /**
   * Refuses, before anything is read, regression on data whose labels can only be classes (IDX,
   * CIFAR-10, the synthetic set) and the class settings regression has no use for.
   */
  private static void refuseClassesOnly(Settings s) {
    for (DataSpec spec : new DataSpec[] {s.train(), s.test()}) {
      if (spec != null && spec.bringsTestSplit()) {
        throw BadInputException.of(spec.text(), "regression on a classification data set",
            "real-valued labels for the squared loss: libsvm:, csv: or parquet: data, or a DataFrame",
            spec.kind().name().toLowerCase(java.util.Locale.ROOT) + " data (class labels only)");
      }
    }
    if (s.numClasses() > 0 || s.classWeights() != null && !s.classWeights().trim().equalsIgnoreCase("none")) {
      throw BadInputException.of(s.numClasses() > 0 ? "--num-classes" : "--class-weights",
          "a class setting on regression data", "none with the squared loss (real-valued labels have no classes)",
          s.numClasses() > 0 ? Integer.toString(s.numClasses()) : s.classWeights());
    }
  }

  /** Blocks and caches the splits as the settings say. */
  private static TrainingData block(PreparedSplits data, Settings s) {
    boolean weighted = s.weightCol() != null;
    return data.cache(s.storage(), s.precision(), s.blockRows(), weighted, weighted && s.test() != null);
  }

  /**
   * Refuses, before a row is blocked or a statistic computed, a width the driver cannot hold: a
   * dense row of d values must be an array, and the preprocessing statistics and the smallest
   * model (d x k weights) need about (k + 8) doubles per feature.
   */
  static void checkWidth(int d, int k, String where) {
    long max = Runtime.getRuntime().maxMemory();
    long most = Math.min(Integer.MAX_VALUE - 8L, max / 2 / 8 / (k + 8L));
    if (d > most) {
      throw BadInputException.of(where, "too many features", "at most " + most + " features for " + k + " classes ("
          + (max >> 20) + " MB of driver heap; raise spark.driver.memory or DOWNHILL_JAVA_OPTS=-Xmx...)", d + " features");
    }
  }

  private static Map<Double, Long> labelCounts(Dataset<Row> frame, String where) {
    Map<Double, Long> counts = new HashMap<>();
    for (Row r : frame.groupBy(Sources.LABEL).count().collectAsList()) {
      if (r.isNullAt(0)) {
        throw BadInputException.of(where + ", label column", "missing label", "a number in every row", r.getLong(1) + " rows without one");
      }
      counts.put(r.getDouble(0), r.getLong(1));
    }
    return counts;
  }
}
