package io.downhill.cli;

import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * The command line's options made from the settings schema: for every setting a command (or one
 * of its mixins) shows, an option with the setting's flag, label, type, default and doc; the
 * properties key of {@code --conf} follows from the flag ({@link ConfFile}). A command reads its
 * settings back as {@link SettingValues}, in which only those given on the command line or in the
 * --conf file (or with a default of the command's own) count as set, each validated by its setting.
 */
final class SettingOptions {
  private SettingOptions() {}

  /** Adds the options of the settings {@code command} shows. */
  static void install(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    List<Object> parts = new ArrayList<>(List.of(spec.userObject()));
    spec.mixins().values().forEach(m -> parts.add(m.userObject()));
    for (Object part : parts) {
      if (part instanceof ShowsSettings shows) {
        shows.settings().forEach(s -> spec.addOption(option(s)));
      }
    }
  }

  /** The settings of {@code command}: those given (flag, --conf file or the command's own default); the rest unset. */
  static SettingValues values(CommandSpec command) {
    SettingValues values = SettingValues.defaults(Setting.Front.CLI);
    for (OptionSpec o : command.options()) {
      if (o.userObject() instanceof ShownSetting shown && o.getValue() != null) {
        values = with(values, shown.setting(), o.getValue());
      }
    }
    return values;
  }

  @SuppressWarnings("unchecked")
  private static <T> String format(Setting<T> setting, Object value) {
    return setting.format((T) value);
  }

  @SuppressWarnings("unchecked")
  private static <T> SettingValues with(SettingValues values, Setting<T> setting, Object value) {
    return values.with(setting, (T) value);
  }

  /**
   * No picocli default unless the command has its own: a value then means the setting was given. A
   * Boolean is a flag without a value (picocli's arity 0 for it, which also reads "true" from --conf);
   * a setting with a {@link Setting#bare} value takes its value optionally (arity 0..1).
   */
  private static OptionSpec option(ShownSetting shown) {
    Setting<?> s = shown.setting();
    OptionSpec.Builder b = OptionSpec.builder(s.flag()).paramLabel(s.label()).description(shown.help())
        .defaultValue(shown.defaultValue()).userObject(shown);
    if (s.type() == List.class) {
      b.type(List.class).auxiliaryTypes(Integer.class).splitRegex(",");
    } else {
      b.type(s.type());
    }
    if (s.bare() != null) {
      b.arity("0..1").fallbackValue(format(s, s.bare()));
    }
    if (s.word() != null) {
      b.converters(text -> word(s, text));
    }
    return b.build();
  }

  /** A number, or the setting's word for its special value (--lr auto); picocli says what else was found. */
  private static Object word(Setting<?> s, String text) {
    if (text.strip().equalsIgnoreCase(s.word())) {
      return s.wordValue();
    }
    try {
      if (s.type() == Integer.class) { // not a ?: of the two, which would widen the Integer to a Double
        return Integer.valueOf(text.strip());
      }
      return Double.valueOf(text.strip());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("'" + text + "' is not a number or " + s.word());
    }
  }
}
