package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.train.TrainingConfig;
import io.downhill.tuning.Search;
import io.downhill.tuning.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A trial's training flags: this command's own (command line, --conf, defaults), then the space
 * file's fixed settings (unless given on the command line), then the trial's sampled ones, set
 * through picocli's option model so each is converted and validated as the flag would be.
 */
final class TrialFlags {
  private final CommandSpec spec;
  private final String source;
  private final Supplier<TrainingConfig> build;
  private final Map<String, OptionSpec> trainFlags = new LinkedHashMap<>();

  TrialFlags(CommandSpec spec, String source, Supplier<TrainingConfig> build) {
    this.spec = spec;
    this.source = source;
    this.build = build;
    for (OptionSpec o : spec.mixins().get("train").options()) {
      trainFlags.put(o.longestName().replaceFirst("^-+", ""), o);
    }
  }

  /** Every key of the space must be a training flag, and the data stays the same for every trial. */
  void check(SearchSpace space) {
    List<String> keys = new ArrayList<>(space.dimensions().keySet());
    keys.addAll(space.fixed().keySet());
    for (String key : keys) {
      if (!trainFlags.containsKey(key)) {
        throw BadInputException.of(source + ": " + key, "not a training flag that can vary per trial",
            "a flag of 'downhill train' about the model or optimizer, e.g. lr, reg, hidden, batch-size, optimizer",
            key);
      }
    }
    if (space.dimensions().containsKey("precision") || space.dimensions().containsKey("seed")) {
      throw BadInputException.of(source, "precision or seed searched", "one precision and seed for the whole "
          + "search (they decide the cached data and the splits)", space.dimensions().keySet().toString());
    }
  }

  TrainingConfig config(Map<String, String> fixed, Map<String, String> settings) {
    return config(fixed, settings, true);
  }

  /**
   * The configuration of one trial; {@code asTrial}: with the abort rule (3x) and the best
   * validation epoch's weights kept (early stopping on validation accuracy that never stops).
   */
  TrainingConfig config(Map<String, String> fixed, Map<String, String> settings, boolean asTrial) {
    Map<String, Object> saved = new LinkedHashMap<>();
    Map<String, String> all = new LinkedHashMap<>();
    fixed.forEach((k, v) -> {
      if (!spec.commandLine().getParseResult().hasMatchedOption("--" + k)) {
        all.put(k, v);
      }
    });
    all.putAll(settings);
    if (asTrial) {
      all.putIfAbsent("abort-factor", Double.toString(Search.ABORT_FACTOR));
      all.put("early-stopping", "val_accuracy");
      all.put("patience", settings.getOrDefault("epochs", "1000"));
    }
    try {
      all.forEach((k, v) -> {
        OptionSpec o = trainFlags.get(k);
        saved.put(k, o.getValue());
        o.setValue(convert(o, k, v));
      });
      return build.get();
    } finally {
      saved.forEach((k, v) -> trainFlags.get(k).setValue(v));
    }
  }

  private Object convert(OptionSpec o, String key, String v) {
    Class<?> type = o.type();
    try {
      if (type == double.class || type == Double.class) {
        return Double.parseDouble(v);
      }
      if (type == int.class || type == Integer.class) {
        return Integer.parseInt(v.trim());
      }
      if (type == long.class || type == Long.class) {
        return Long.parseLong(v);
      }
      if (List.class.isAssignableFrom(type)) {
        List<Integer> list = new ArrayList<>();
        for (String part : v.split(",")) {
          list.add(Integer.parseInt(part.trim()));
        }
        return list;
      }
      return v;
    } catch (NumberFormatException e) {
      throw BadInputException.of(source + ": " + key, "not a valid value for --" + key,
          type.getSimpleName() + (List.class.isAssignableFrom(type) ? " of integers, e.g. 256,128" : ""),
          "'" + v + "'");
    }
  }
}
