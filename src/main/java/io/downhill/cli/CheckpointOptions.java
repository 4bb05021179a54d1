package io.downhill.cli;

import static io.downhill.train.TrainingSettings.CHECKPOINT_DIR;
import static io.downhill.train.TrainingSettings.CHECKPOINT_EVERY;
import static io.downhill.train.TrainingSettings.CHECKPOINT_KEEP;
import static io.downhill.train.TrainingSettings.RESUME;

import io.downhill.BadInputException;
import io.downhill.checkpoint.CheckpointStore;
import io.downhill.checkpoint.Checkpointing;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.train.Checkpoints;
import io.downhill.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The checkpoint settings: {@code --checkpoint-dir}, {@code --checkpoint-every}, {@code --checkpoint-keep}, {@code --resume}. */
@Command // a mixin of options made at run time (picocli wants an annotation)
final class CheckpointOptions implements ShowsSettings {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Override
  public List<ShownSetting> settings() {
    return ShownSetting.groups(Set.of(Setting.Group.CHECKPOINTS));
  }

  private SettingValues values() {
    return SettingOptions.values(command);
  }

  /** Where checkpoints go; empty for none. */
  String dir() {
    return values().get(CHECKPOINT_DIR);
  }

  /** Nothing asked for. */
  boolean enabled() {
    return !dir().isEmpty();
  }

  int keep() {
    return values().get(CHECKPOINT_KEEP);
  }

  boolean resume() {
    return values().get(RESUME);
  }

  /** Checks the settings together before Spark starts (each one is checked by its declaration). */
  void validate(TrainingConfig config) {
    if (enabled()) {
      Checkpoints.requireMinibatch(config); // before Spark starts, not after loading
    } else if (resume()) {
      throw BadInputException.setting("resume", "resume without a checkpoint directory", "{checkpointDir} DIR",
          "none");
    }
  }

  CheckpointStore store(Configuration hadoop) {
    return new CheckpointStore(dir(), keep(), hadoop);
  }

  Checkpointing checkpointing(CheckpointStore store, String settings, Supplier<List<Path>> attachments) {
    return Checkpointing.of(store, values().get(CHECKPOINT_EVERY), settings, attachments);
  }
}
