package io.downhill.cli;

import java.util.List;

/**
 * A command, or a mixin of one, that shows settings of the schema as options; {@link SettingOptions}
 * makes the options when the command line is built.
 */
interface ShowsSettings {
  /** The settings shown, in help order. */
  List<ShownSetting> settings();
}
