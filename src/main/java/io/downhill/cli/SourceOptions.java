package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * Where named datasets are found and which columns of a table hold the label and the features:
 * declared once, for every command that reads data.
 */
final class SourceOptions {
  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "First place to look for named datasets (then $DOWNHILL_DATA, ../shared/data, /usr/share/datasets)")
  String dataDir;

  @Option(names = "--label-col", paramLabel = "NAME", defaultValue = "label",
      description = "Label column of Parquet/CSV data, never a feature (default: ${DEFAULT-VALUE})")
  String labelCol;

  @Option(names = "--features-col", paramLabel = "NAME", defaultValue = "features",
      description = "Vector (or array) column of Parquet/CSV data; when absent, every other numeric column "
          + "(default: ${DEFAULT-VALUE})")
  String featuresCol;

  /** The data {@code text} names, named datasets looked for in --data-dir first. */
  DataSpec spec(String text) {
    return DataSpec.parse(text, DataSpec.searchDirs(dataDir));
  }

  /** {@code data}, or without it Fashion-MNIST when found, else the synthetic set (said on {@code out}). */
  DataSpec trainSpec(String data, PrintWriter out) {
    if (data != null) {
      return spec(data);
    }
    try {
      return spec("fashion-mnist");
    } catch (BadInputException notFound) {
      out.println("data: Fashion-MNIST not found (" + notFound.getMessage() + "); using the built-in synthetic dataset");
      return spec("synthetic");
    }
  }
}
