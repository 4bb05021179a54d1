package io.downhill.cli;

import static io.downhill.settings.Setting.Group.MODEL;
import static io.downhill.settings.Setting.Group.OPTIMIZER;
import static io.downhill.settings.Setting.Group.REGULARIZATION;
import static io.downhill.settings.Setting.Group.SCHEDULE;
import static io.downhill.settings.Setting.Group.STOPPING;

import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingSettings;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * How to train: the settings of the model, optimizer, schedule, regularization and early stopping
 * ({@link TrainingSettings}), as options of the command this is mixed into.
 */
@Command // a mixin of options made at run time (picocli wants an annotation)
final class TrainOptions implements ShowsSettings {
  /** The groups shown; a search may vary any of their settings per trial. */
  static final Set<Setting.Group> GROUPS = EnumSet.of(MODEL, OPTIMIZER, SCHEDULE, REGULARIZATION, STOPPING);

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Override
  public List<ShownSetting> settings() {
    return ShownSetting.groups(GROUPS);
  }

  /** Every setting of the command (the data's too) given on its command line or in its --conf file. */
  SettingValues values() {
    return SettingOptions.values(command);
  }

  TrainingConfig config() {
    return TrainingConfig.from(values());
  }

  /** The model type, for names and summaries ({@code --loss squared} alone: squared). */
  String modelName() {
    return TrainingConfig.modelType(values());
  }

  /**
   * Refuses the squared {@code loss} (a regression) where a command only knows classifiers
   * ({@code command}: "search", "sanity checks"), saying what the command needs ({@code needs}).
   */
  static void refuseRegression(String loss, String command, String needs) {
    if (io.downhill.loss.Losses.parse(loss).regression()) {
      throw io.downhill.BadInputException.setting("loss", loss, "no " + command + " for regression",
          "a classification loss (" + needs + ")", "the squared loss");
    }
  }
}
