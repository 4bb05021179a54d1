package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.linalg.Numbers;
import io.downhill.optim.OptimizerConfig;
import io.downhill.settings.Setting;
import io.downhill.train.TrainingSettings;
import java.util.Objects;

/** docs/CONFIGURATION.md, made from the settings schema ({@link SettingsSchemaTest} keeps the file equal to it). */
final class ConfigurationReference {
  private ConfigurationReference() {}

  static String markdown() {
    StringBuilder md = new StringBuilder("""
        # Configuration reference

        Every training setting is declared once, in `io.downhill.train.TrainingSettings`: its name, type,
        default, allowed values and meaning. The command line's flags, the keys of `--conf` properties
        files (the flag without its dashes: `lr=0.05`), the Spark ML Params of `DownhillClassifier`
        (named as the setting: `setLearningRate`) and the training configuration are all made from that
        declaration, so they cannot drift. This page is generated from it too: `SettingsSchemaTest` fails
        when it is out of date and leaves the current one in `target/CONFIGURATION.md`.

        A value outside what is allowed is refused before anything runs (exit code 2 on the command line;
        at `set` in Spark ML), naming the setting as each front end knows it (`--lr`, `learningRate`).
        `train` takes every setting; `search` and `sanity` all but the checkpoint and warm-start ones;
        `gradcheck` the model's, the regularization's and `--seed`; `predict` and `evaluate` `--partitions`
        (and `predict` `--seed`), with defaults of their own where their `--help` says so. Options that are
        not training settings (`--data`, `--out`, `--master`, ...) are listed by `downhill COMMAND --help`.
        """);
    for (Setting.Group group : Setting.Group.values()) {
      md.append("\n## ").append(group.title()).append("\n\n")
          .append("| setting | flag (properties key) | default | allowed | meaning |\n")
          .append("| --- | --- | --- | --- | --- |\n");
      for (Setting<?> s : TrainingSettings.ALL) {
        if (s.group() == group) {
          md.append(row(s));
        }
      }
      if (group == Setting.Group.SCHEDULE) {
        md.append(rates());
      }
    }
    return md.toString();
  }

  /** The learning rate each optimizer takes when none is given, from the registry. */
  private static String rates() {
    StringBuilder md = new StringBuilder("\nThe default `learningRate` is the `optimizer`'s own (each update rule "
        + "declares it beside its line in `OptimizerConfig`'s registry; gd's line search starts its first step at "
        + "0.1):\n\n| optimizer | default `learningRate` | for a network (`modelType` mlp) |\n| --- | --- | --- |\n");
    for (String name : OptimizerConfig.names()) {
      md.append("| `").append(name).append("` | ").append(Numbers.compact(OptimizerConfig.defaultRate(name)))
          .append(" | ").append(Numbers.compact(OptimizerConfig.defaultRate(name, true))).append(" |\n");
    }
    return md.toString();
  }

  private static <T> String row(Setting<T> s) {
    String flag = s.shownIn(Setting.Front.CLI) ? "`" + s.flag() + "` (`" + s.key() + "`)" : "(Spark ML only)";
    String dflt = s.isDerived() ? s.defaultText() + (s == TrainingSettings.LEARNING_RATE ? " (below)" : "") : "`" + shown(s, s.defaultFor(Setting.Front.CLI)) + "`";
    if (!Objects.equals(s.defaultFor(Setting.Front.CLI), s.defaultFor(Setting.Front.ML))) {
      dflt += "; Spark ML `" + shown(s, s.defaultFor(Setting.Front.ML)) + "`";
    }
    return "| `" + s.name() + "` | " + flag + " | " + dflt + " | " + named(s.allowed()) + " | "
        + s.doc(name -> "`" + name + "`") + (s.shownIn(Setting.Front.ML) ? "" : " (command line only)") + " |\n";
  }

  private static <T> String shown(Setting<T> s, T value) {
    String text = ShownSetting.of(s, value).defaultText();
    return text != null ? text : String.valueOf(value); // a flag: false
  }

  private static String named(String text) {
    return BadInputException.mentions(text, name -> "`" + name + "`");
  }
}
