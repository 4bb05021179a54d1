package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import io.downhill.linalg.Precision;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** What data to read and how to hold it. */
final class DataOptions {
  @Option(names = "--data", paramLabel = "SPEC",
      description = "Training data: fashion-mnist, mnist, synthetic, idx:DIR, cifar10:DIR, libsvm:FILE, parquet:PATH, "
          + "csv:PATH (default: fashion-mnist when found, else synthetic)")
  String data;

  @Option(names = "--test-data", paramLabel = "SPEC",
      description = "Test data, same forms (default: the test split of an IDX/CIFAR/synthetic --data, else none)")
  String testData;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "First place to look for named datasets (then $DOWNHILL_DATA, ../shared/data, /usr/share/datasets)")
  String dataDir;

  @Option(names = "--val-fraction", paramLabel = "F", defaultValue = "0.1",
      description = "Fraction of training rows held out for validation, seeded (default: ${DEFAULT-VALUE})")
  double valFraction;

  @Option(names = "--num-features", paramLabel = "D", defaultValue = "0",
      description = "Number of features of LIBSVM data (default: inferred from the training file)")
  int numFeatures;

  @Option(names = "--num-classes", paramLabel = "K", defaultValue = "0",
      description = "Number of classes (default: the largest label + 1)")
  int numClasses;

  @Option(names = "--preprocess", paramLabel = "MODE", defaultValue = "standardize",
      description = "none, center, standardize (x - mean) / std, scale x / std (keeps sparse rows sparse) or "
          + "pca:K, fitted on the training split by MLlib's StandardScaler and PCA (default: ${DEFAULT-VALUE})")
  String preprocess;

  @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
      description = "Partitions of the training data (default: the master's cores)")
  int partitions;

  @Option(names = "--block-rows", paramLabel = "R", defaultValue = "0",
      description = "Rows per cached dense block (default: about 32 MB per block)")
  int blockRows;

  @Option(names = "--storage", paramLabel = "S", defaultValue = "auto",
      description = "dense row blocks, sparse (CSR) blocks, or auto: CSR when the rows are sparse vectors (LIBSVM, "
          + "hashed features) and it takes under half the dense bytes (default: ${DEFAULT-VALUE})")
  String storage;

  @Option(names = "--label-col", paramLabel = "NAME", defaultValue = "label",
      description = "Label column of Parquet/CSV data (default: ${DEFAULT-VALUE})")
  String labelCol;

  @Option(names = "--features-col", paramLabel = "NAME", defaultValue = "features",
      description = "Vector column of Parquet/CSV data; when absent, all other numeric columns (default: ${DEFAULT-VALUE})")
  String featuresCol;

  @Option(names = "--class-weights", paramLabel = "W",
      description = "balanced (N / (k·n_c)) or w0,w1,...: multiply each training row's weight by its class's "
          + "(default: none)")
  String classWeights;

  @Option(names = "--weight-col", paramLabel = "NAME",
      description = "Sample-weight column of Parquet/CSV data (default: none, every row weighs 1)")
  String weightCol;

  /** The training data spec; without --data, Fashion-MNIST when found, else the synthetic set (said on {@code out}). */
  DataSpec trainSpec(PrintWriter out) {
    if (data != null) {
      return DataSpec.parse(data, DataSpec.searchDirs(dataDir));
    }
    try {
      return DataSpec.parse("fashion-mnist", DataSpec.searchDirs(dataDir));
    } catch (BadInputException notFound) {
      out.println("data: Fashion-MNIST not found (" + notFound.getMessage() + "); using the built-in synthetic dataset");
      return DataSpec.parse("synthetic", DataSpec.searchDirs(dataDir));
    }
  }

  DataSpec testSpec() {
    return testData == null ? null : DataSpec.parse(testData, DataSpec.searchDirs(dataDir));
  }

  /** The loader's settings (validated: nonsense values fail here, before Spark starts). */
  DataLoader.Settings settings(DataSpec train, DataSpec test, long seed, Precision precision) {
    return settings(train, test, seed, precision, valFraction);
  }

  /** The same with another validation fraction (0: train on every row, as a search's retraining does). */
  DataLoader.Settings settings(DataSpec train, DataSpec test, long seed, Precision precision, double valFraction) {
    return new DataLoader.Settings(train, test, valFraction, seed, partitions, precision, blockRows,
        Preprocess.parse(preprocess), numFeatures, numClasses, labelCol, featuresCol, weightCol, classWeights,
        io.downhill.data.Storage.parse(storage));
  }
}
