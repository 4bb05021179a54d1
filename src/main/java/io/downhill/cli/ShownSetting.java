package io.downhill.cli;

import io.downhill.linalg.Numbers;
import io.downhill.settings.Setting;
import io.downhill.train.TrainingSettings;
import java.util.List;
import java.util.Set;

/**
 * A setting of the schema ({@link TrainingSettings}) as one command shows it: always the
 * declaration's flag, label, type and validator; the schema's default, doc and help section
 * unless the command has its own (gradcheck checks gradients at a stronger regularization,
 * predict's seed is the model's).
 *
 * @param setting      the declaration
 * @param defaultValue this command's own default as text (the option then has it, and it counts as set), or null
 *                     for the schema's
 * @param doc          the help text, other settings named by their flags
 * @param defaultText  the default as the help says it, or null for none (a flag without a value)
 * @param group        the help section
 */
record ShownSetting(Setting<?> setting, String defaultValue, String doc, String defaultText, Setting.Group group) {

  /** {@code setting} as the schema declares it. */
  static ShownSetting of(Setting<?> setting) {
    return new ShownSetting(setting, null, setting.doc(ShownSetting::flag), setting.defaultText() != null
        ? setting.defaultText() : shown(setting.defaultValue()), setting.group());
  }

  /** {@code setting} with this command's own default. */
  static <T> ShownSetting of(Setting<T> setting, T dflt) {
    return new ShownSetting(setting, setting.format(setting.checked(dflt)), setting.doc(ShownSetting::flag),
        dflt.equals(setting.wordValue()) ? setting.word() : shown(dflt), setting.group());
  }

  /** The settings of these groups shown on the command line, in the schema's order. */
  static List<ShownSetting> groups(Set<Setting.Group> groups) {
    return TrainingSettings.ALL.stream().filter(s -> s.shownIn(Setting.Front.CLI) && groups.contains(s.group()))
        .map(ShownSetting::of).toList();
  }

  ShownSetting doc(String v) {
    return new ShownSetting(setting, defaultValue, v, defaultText, group);
  }

  ShownSetting defaultText(String v) {
    return new ShownSetting(setting, defaultValue, doc, v, group);
  }

  ShownSetting in(Setting.Group v) {
    return new ShownSetting(setting, defaultValue, doc, defaultText, v);
  }

  /** The option's help: the doc and the default. */
  String help() {
    return defaultText == null ? doc : doc + " (default: " + defaultText + ")";
  }

  /** The command line's name of a setting: its flag ({@code learningRate} is {@code --lr}); other names as they are. */
  static String flag(String name) {
    Setting<?> s = TrainingSettings.named(name);
    return s == null ? name : s.flag();
  }

  /** A default as help texts show it: numbers short (1e-4, 3), an empty text or list "none", a flag none at all. */
  private static String shown(Object value) {
    if (value instanceof Boolean) {
      return null;
    }
    if (value instanceof Double d) {
      return Numbers.compact(d);
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? "none" : String.join(",", list.stream().map(String::valueOf).toList());
    }
    String text = String.valueOf(value);
    return text.isEmpty() ? "none" : text;
  }
}
