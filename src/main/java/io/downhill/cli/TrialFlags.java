package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingSettings;
import io.downhill.tuning.Search;
import io.downhill.tuning.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A trial's training settings: this command's own (command line, --conf, defaults), then the space
 * file's fixed settings (unless given on the command line), then the trial's sampled ones, each
 * read and validated by its setting's declaration. Keys are the training flags without dashes.
 */
final class TrialFlags {
  private final CommandSpec spec;
  private final String source;
  private final Map<String, Setting<?>> trainFlags = new LinkedHashMap<>();

  TrialFlags(CommandSpec spec, String source) {
    this.spec = spec;
    this.source = source;
    for (ShownSetting s : ShownSetting.groups(TrainOptions.GROUPS)) {
      trainFlags.put(s.setting().key(), s.setting());
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
    SettingValues v = values(fixed, settings, asTrial);
    String loss = v.get(TrainingSettings.LOSS);
    String type = v.get(TrainingSettings.MODEL_TYPE); // a linear model's type is its loss
    TrainOptions.refuseRegression(!loss.equals("auto") ? loss : type.equals("mlp") ? "softmax" : type, "search",
        "trials are ranked by validation accuracy");
    TrainingConfig config = TrainingConfig.from(v);
    if (config.autoRate()) {
      throw BadInputException.of(source + ": lr", "auto in a search", "a rate, or a range to sample (lr = "
          + "log-uniform 1e-4 1): a search picks the rate by its trials", "auto");
    }
    return config;
  }

  /** The settings of one trial (see {@link #config(Map, Map, boolean)}). */
  SettingValues values(Map<String, String> fixed, Map<String, String> settings, boolean asTrial) {
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
    SettingValues values = SettingOptions.values(spec);
    for (Map.Entry<String, String> e : all.entrySet()) {
      try {
        values = values.withText(trainFlags.get(e.getKey()), e.getValue());
      } catch (BadInputException bad) {
        throw new BadInputException(source + ": " + e.getKey() + "=" + e.getValue() + ": "
            + bad.worded(ShownSetting::flag).getMessage(), bad);
      }
    }
    return values;
  }
}
