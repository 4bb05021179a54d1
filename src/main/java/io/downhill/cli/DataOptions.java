package io.downhill.cli;

import static io.downhill.train.TrainingSettings.BLOCK_ROWS;
import static io.downhill.train.TrainingSettings.NUM_PARTITIONS;
import static io.downhill.train.TrainingSettings.VALIDATION_FRACTION;
import static io.downhill.train.TrainingSettings.WEIGHT_COL;

import io.downhill.data.DataSpec;
import io.downhill.data.Storage;
import io.downhill.linalg.Precision;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What data to read and how to hold it: the data settings of the schema and the command line's own. */
final class DataOptions implements ShowsSettings {
  @Option(names = "--data", paramLabel = "SPEC",
      description = "Training data: fashion-mnist, mnist, synthetic, idx:DIR, cifar10:DIR, libsvm:FILE, parquet:PATH, "
          + "csv:PATH (default: fashion-mnist when found, else synthetic)")
  String data;

  @Option(names = "--test-data", paramLabel = "SPEC",
      description = "Test data, same forms (default: the test split of an IDX/CIFAR/synthetic --data, else none)")
  String testData;

  @Mixin
  SourceOptions source;

  @Option(names = "--num-features", paramLabel = "D", defaultValue = "0",
      description = "Number of features of LIBSVM data (default: inferred from the training file)")
  int numFeatures;

  @Option(names = "--num-classes", paramLabel = "K", defaultValue = "0",
      description = "Number of classes (default: the largest label + 1)")
  int numClasses;

  @Option(names = "--preprocess", paramLabel = "MODE", defaultValue = "auto",
      description = "none, center, standardize (x - mean) / std, scale x / std (keeps sparse rows sparse), "
          + "pca:K, fitted on the training split by MLlib's StandardScaler and PCA, or auto: standardize, but none on "
          + "sparse rows under 10% non-zero (text, hashed features) (default: ${DEFAULT-VALUE})")
  String preprocess;

  @Option(names = "--storage", paramLabel = "S", defaultValue = "auto",
      description = "dense row blocks, sparse (CSR) blocks, or auto: CSR when the rows are sparse vectors (LIBSVM, "
          + "hashed features) and it takes under half the dense bytes (default: ${DEFAULT-VALUE})")
  String storage;

  @Option(names = "--class-weights", paramLabel = "W",
      description = "balanced (N / (k·n_c)) or w0,w1,...: multiply each training row's weight by its class's "
          + "(default: none)")
  String classWeights;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Override
  public List<ShownSetting> settings() {
    return ShownSetting.groups(Set.of(Setting.Group.DATA));
  }

  /** The training data spec; without --data, Fashion-MNIST when found, else the synthetic set (said on {@code out}). */
  DataSpec trainSpec(PrintWriter out) {
    return source.trainSpec(data, out);
  }

  DataSpec testSpec() {
    return testData == null ? null : source.spec(testData);
  }

  /** The loader's settings (validated: nonsense values fail here, before Spark starts). */
  DataLoader.Settings settings(DataSpec train, DataSpec test, long seed, Precision precision) {
    return settings(train, test, seed, precision, SettingOptions.values(command).get(VALIDATION_FRACTION));
  }

  /** The same with another validation fraction (0: train on every row, as a search's retraining does). */
  DataLoader.Settings settings(DataSpec train, DataSpec test, long seed, Precision precision, double valFraction) {
    SettingValues v = SettingOptions.values(command);
    String weightCol = v.get(WEIGHT_COL);
    return new DataLoader.Settings(train, test, valFraction, seed, v.get(NUM_PARTITIONS), precision,
        v.get(BLOCK_ROWS), Preprocess.parse(preprocess), numFeatures, numClasses, source.labelCol, source.featuresCol,
        weightCol.isEmpty() ? null : weightCol, classWeights, Storage.parse(storage), false);
  }
}
