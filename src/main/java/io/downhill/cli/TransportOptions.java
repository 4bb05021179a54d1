package io.downhill.cli;

import io.downhill.settings.Setting;
import io.downhill.spark.SparkGradientSource;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code --sync auto|jobs|collective} and {@code --collective-timeout S}: how a command's exact
 * synchronous steps travel on Spark ({@link SparkGradientSource#sync}). Only commands that train
 * on Spark show them (train, and search's retraining); they change no result.
 */
@Command // a mixin of options made at run time (picocli wants an annotation)
final class TransportOptions implements ShowsSettings {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Override
  public List<ShownSetting> settings() {
    return ShownSetting.groups(Set.of(Setting.Group.TRANSPORT));
  }

  /** {@code source} taking its steps as these options say. */
  SparkGradientSource apply(SparkGradientSource source) {
    return source.sync(SettingOptions.values(command));
  }
}
