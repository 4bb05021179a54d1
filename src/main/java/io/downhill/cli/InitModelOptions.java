package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.ml.WarmStart;
import io.downhill.settings.Setting;
import io.downhill.spark.DataLoader;
import io.downhill.spark.Preprocess;
import io.downhill.train.Algorithm;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --init-model DIR} (the setting {@code initialModel}) and {@code --init-preprocess keep|refit}:
 * a warm start from a saved model's weights ({@link WarmStart}).
 *
 * <p>{@code keep} (the default) applies the parent's fitted StandardScaler/PCA stages to the new
 * data instead of fitting them again, so the warm-started weights see the feature space they were
 * trained in; a refit would shift every input under them (new means and deviations, or a new PCA
 * basis). The kept stages are saved again in the new model. A {@code --preprocess} given
 * explicitly (flag or --conf) that differs from the kept stages is refused. {@code refit} fits
 * {@code --preprocess} afresh on the new data.
 */
final class InitModelOptions implements ShowsSettings {
  @Option(names = "--init-preprocess", paramLabel = "MODE",
      description = "With --init-model: keep (apply the saved model's fitted preprocessing to the new data) or "
          + "refit (fit --preprocess afresh) (default: keep)")
  String preprocess;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The parent loaded for this run, or null (set by {@link #load}). */
  private WarmStart parent;

  @Override
  public List<ShownSetting> settings() {
    return ShownSetting.groups(Set.of(Setting.Group.WARM_START));
  }

  /** The saved model to start from, or null. */
  String dir() {
    String dir = SettingOptions.values(command).get(TrainingSettings.INITIAL_MODEL);
    return dir.isEmpty() ? null : dir;
  }

  /** Checks the flags before Spark starts. */
  void validate(TrainingConfig config) {
    String dir = dir();
    if (preprocess != null && dir == null) {
      throw BadInputException.of("--init-preprocess " + preprocess, "preprocessing choice without a warm start",
          "--init-model DIR", "none");
    }
    if (preprocess != null && !mode().equals("keep") && !mode().equals("refit")) {
      throw BadInputException.of("--init-preprocess", "unknown mode", "keep or refit", "'" + preprocess + "'");
    }
    if (dir != null && config.algorithm() == Algorithm.RANDOM_SEARCH) {
      throw BadInputException.setting("initialModel", dir, "a warm start for random search, which ignores the "
          + "initial weights", "a minibatch optimizer or gd", "{optimizer} random-search");
    }
  }

  /** keep or refit. */
  String mode() {
    return preprocess == null ? "keep" : preprocess.trim().toLowerCase(Locale.ROOT);
  }

  boolean keep() {
    return mode().equals("keep");
  }

  /** Reads the parent (null without --init-model). */
  WarmStart load(SparkSession spark) {
    String dir = dir();
    if (dir == null) {
      return null;
    }
    // a local path, made absolute; a URI (hdfs://, s3a://, file:) as given
    // (file: and the plain path, not toUri(): Hadoop's Path would encode a %20 from toUri() a second time)
    String path = dir.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*") ? dir
        : "file:" + Path.of(dir).toAbsolutePath().normalize();
    parent = WarmStart.load(spark, path, "--init-model " + dir);
    return parent;
  }

  /**
   * The data settings of this run: with {@code keep}, {@code --preprocess} becomes what the kept
   * stages do (an explicitly given, different one is refused; auto takes the kept one); else unchanged.
   *
   * @param preprocessGiven whether --preprocess was given on the command line or in --conf
   */
  DataLoader.Settings settings(DataLoader.Settings settings, boolean preprocessGiven) {
    if (parent == null || !keep()) {
      return settings;
    }
    Preprocess saved = parent.preprocess();
    boolean asked = preprocessGiven && settings.preprocess().kind() != Preprocess.Kind.AUTO;
    if (asked && !saved.equals(settings.preprocess())) {
      throw BadInputException.of("--preprocess " + settings.preprocess().label(), "differs from the preprocessing "
          + "kept from --init-model " + dir(), saved.label() + " (as saved; or --init-preprocess refit to fit "
          + settings.preprocess().label() + " afresh)", settings.preprocess().label());
    }
    return settings.withPreprocess(saved);
  }

  /** The stages the data loader applies instead of fitting: the parent's with {@code keep}, else null. */
  PipelineModel kept() {
    return parent == null || !keep() ? null : parent.preprocessing();
  }
}
