package io.downhill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainingConfig#settings()} is the inverse of {@link TrainingConfig#from}: a config made
 * of any one setting at another value than its default gives that value back, and the config again.
 * So {@link TrainingConfig#builder(TrainingConfig)} makes variants of a run without a hand copy.
 */
class TrainingConfigSettingsTest {
  private static final Set<Setting.Group> CONFIG_GROUPS = EnumSet.of(Setting.Group.MODEL, Setting.Group.OPTIMIZER,
      Setting.Group.SCHEDULE, Setting.Group.REGULARIZATION, Setting.Group.STOPPING);
  /** Settings that only mean something on a network. */
  private static final Set<Setting<?>> ON_AN_MLP = Set.of(TrainingSettings.LOSS, TrainingSettings.HIDDEN_LAYERS,
      TrainingSettings.DROPOUT, TrainingSettings.ACTIVATION, TrainingSettings.BATCH_NORM);

  @Test
  void everySettingOfTheConfigRoundTrips() {
    int checked = 0;
    for (Setting<?> s : TrainingSettings.ALL) {
      if (!CONFIG_GROUPS.contains(s.group())) {
        continue;
      }
      SettingValues base = SettingValues.defaults(Setting.Front.CLI);
      if (ON_AN_MLP.contains(s)) {
        base = base.with(TrainingSettings.MODEL_TYPE, "mlp");
      }
      checked += roundTrips(base, s) ? 1 : 0;
    }
    assertEquals(TrainingSettings.ALL.stream().filter(s -> CONFIG_GROUPS.contains(s.group())).count(), checked);
  }

  @Test
  void shorthandsAndReconciledValuesComeBackInTheirOneSpelling() {
    TrainingConfig gd = TrainingConfig.builder().optimizer("gd").build();
    assertEquals("gd", gd.settings().get(TrainingSettings.ALGORITHM));
    assertEquals(gd, TrainingConfig.from(gd.settings()));
    TrainingConfig mlp = TrainingConfig.builder().modelType("mlp").build();
    assertEquals(List.of(256), mlp.settings().get(TrainingSettings.HIDDEN_LAYERS));
    assertEquals(mlp, TrainingConfig.builder(mlp).build());
  }

  private static <T> boolean roundTrips(SettingValues base, Setting<T> s) {
    T value = other(s);
    TrainingConfig config = TrainingConfig.from(base.with(s, value));
    assertEquals(value, config.settings().get(s), s.name());
    assertEquals(config, TrainingConfig.from(config.settings()), s.name());
    assertEquals(config, TrainingConfig.builder(config).build(), s.name());
    return true;
  }

  /** A valid value of {@code s} other than its default. */
  @SuppressWarnings("unchecked")
  private static <T> T other(Setting<T> s) {
    Object v;
    if (s == TrainingSettings.MODEL_TYPE) {
      v = "svm";
    } else if (s == TrainingSettings.OPTIMIZER_NAME) {
      v = "adam";
    } else if (s.choices() != null) {
      v = s.choices().stream().filter(c -> !c.equals(s.defaultValue())).reduce((a, b) -> b).orElseThrow();
    } else if (s.type() == List.class) {
      v = List.of(16, 8);
    } else if (s.type() == Double.class) {
      double d = (Double) s.derivedDefault(SettingValues.defaults(Setting.Front.CLI));
      v = d == 0 ? 0.05 : d / 2;
    } else if (s.type() == Boolean.class) {
      v = !(Boolean) s.defaultValue();
    } else if (s.type() == Integer.class) {
      v = (Integer) s.defaultValue() + 1;
    } else {
      v = (Long) s.defaultValue() + 1;
    }
    return s.checked((T) v);
  }
}
