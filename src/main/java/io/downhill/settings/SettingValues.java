package io.downhill.settings;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values of some settings, immutable: each one normalized and validated by its {@link Setting}
 * when it goes in, its default when never set. Front ends fill one (from flags, a properties
 * file or Params) and the training config is made from it.
 */
public final class SettingValues implements Setting.Lookup, Serializable {
  private static final long serialVersionUID = 1L;

  private final Setting.Front front;
  private final Map<String, Object> values;

  private SettingValues(Setting.Front front, Map<String, Object> values) {
    this.front = front;
    this.values = Collections.unmodifiableMap(values);
  }

  /** No value set yet: every setting at the default of {@code front}. */
  public static SettingValues defaults(Setting.Front front) {
    return new SettingValues(front, new LinkedHashMap<>());
  }

  /** These values with {@code setting} set to {@code value} (normalized and validated). */
  public <T> SettingValues with(Setting<T> setting, T value) {
    Map<String, Object> next = new LinkedHashMap<>(values);
    next.put(setting.name(), setting.checked(value));
    return new SettingValues(front, next);
  }

  /** These values with {@code setting} set to its value written as {@code text} ({@link Setting#parse}). */
  public <T> SettingValues withText(Setting<T> setting, String text) {
    return with(setting, setting.parse(text));
  }

  /**
   * The value of {@code setting}: as set, else its default for this front end (one that depends on other
   * settings from their values here: the learning rate from the optimizer).
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return values.containsKey(setting.name()) ? (T) values.get(setting.name()) : setting.derivedDefault(this);
  }

  /** Whether {@code setting} was set (rather than left at its default). */
  public boolean isSet(Setting<?> setting) {
    return values.containsKey(setting.name());
  }

  /** The names of the settings set, in the order they were. */
  public List<String> setNames() {
    return List.copyOf(values.keySet());
  }

  @Override
  public Setting.Front front() {
    return front;
  }
}
