package io.downhill.cli;

import io.downhill.settings.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * A command's options in its help, in sections: the command's own, then the settings by group
 * (with the other options of the mixin of that group, e.g. --data beside --val-fraction), then
 * where Spark runs.
 */
final class OptionSections implements CommandLine.IHelpSectionRenderer {
  private static final String OWN = "Options";
  private static final String SPARK = "Spark";

  @Override
  public String render(CommandLine.Help help) {
    CommandSpec spec = help.commandSpec();
    Map<String, List<OptionSpec>> sections = new LinkedHashMap<>();
    sections.put(OWN, new ArrayList<>());
    for (Setting.Group g : Setting.Group.values()) {
      sections.put(g.title(), new ArrayList<>());
    }
    sections.put(SPARK, new ArrayList<>());
    for (OptionSpec o : spec.options()) {
      if (!o.hidden()) {
        sections.get(section(spec, o)).add(o);
      }
    }
    StringBuilder out = new StringBuilder();
    sections.forEach((title, options) -> {
      if (!options.isEmpty()) {
        out.append(title).append(':').append(System.lineSeparator()).append(help.optionListExcludingGroups(options));
      }
    });
    return out.toString();
  }

  private static String section(CommandSpec spec, OptionSpec option) {
    if (option.userObject() instanceof ShownSetting shown) {
      return shown.group().title();
    }
    for (CommandSpec mixin : spec.mixins().values()) {
      if (mixin.options().contains(option)) {
        Object part = mixin.userObject();
        if (part instanceof DataOptions || part instanceof SourceOptions) {
          return Setting.Group.DATA.title();
        }
        if (part instanceof InitModelOptions) {
          return Setting.Group.WARM_START.title();
        }
        if (part instanceof SparkOptions) {
          return SPARK;
        }
      }
    }
    return OWN;
  }
}
