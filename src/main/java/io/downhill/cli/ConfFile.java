package io.downhill.cli;

import io.downhill.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Settings from a properties file ({@code --conf FILE}) as defaults for a command's flags: the key
 * is the flag's long name without dashes ({@code lr=0.05}, {@code batch-size=128}); flags on the
 * command line win. An unknown key is an error, so a typo cannot silently do nothing.
 */
final class ConfFile {
  static final String FLAG = "--conf";

  private ConfFile() {}

  /** The value of {@code --conf FILE} or {@code --conf=FILE} in {@code args}, or null. */
  static String find(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(FLAG) && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith(FLAG + "=")) {
        return args[i].substring(FLAG.length() + 1);
      }
    }
    return null;
  }

  /** Loads {@code file}, installs it as the default-value provider of {@code command} and returns what it holds. */
  static Properties install(CommandLine command, String file) {
    Properties props = new Properties();
    Path path = Path.of(file);
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw BadInputException.of(FLAG + " " + file, "properties file not found", "a readable file", "nothing at that path");
    } catch (IOException e) {
      throw BadInputException.of(FLAG + " " + file, "unreadable properties file", "a readable file", e.toString());
    }
    Set<String> known = new TreeSet<>();
    for (OptionSpec o : command.getCommandSpec().options()) {
      known.add(key(o));
    }
    List<String> unknown = new ArrayList<>();
    for (String k : props.stringPropertyNames()) {
      if (!known.contains(k) || k.equals("conf")) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw BadInputException.of(file, "unknown setting" + (unknown.size() > 1 ? "s " : " ") + unknown,
          "flag names of '" + command.getCommandName() + "' without dashes, e.g. lr=0.1", "no such flag");
    }
    command.setDefaultValueProvider((ArgSpec spec) -> spec.isOption() ? props.getProperty(key((OptionSpec) spec)) : null);
    return props;
  }

  /**
   * Where a bad value of {@code option} came from when the file set it and the command line did not:
   * "--conf FILE: epochs=abc: ", else "".
   */
  static String origin(String file, Properties props, ArgSpec option, String[] args) {
    if (file == null || props == null || !(option instanceof OptionSpec o) || props.getProperty(key(o)) == null) {
      return "";
    }
    for (String a : args) {
      for (String name : o.names()) {
        if (a.equals(name) || a.startsWith(name + "=")) {
          return ""; // the command line set it: the file's value was not used
        }
      }
    }
    return FLAG + " " + file + ": " + key(o) + "=" + props.getProperty(key(o)) + ": ";
  }

  static String key(OptionSpec o) {
    return o.longestName().replaceFirst("^-+", "");
  }
}
