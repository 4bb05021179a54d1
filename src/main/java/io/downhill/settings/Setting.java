package io.downhill.settings;

import io.downhill.BadInputException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One setting, declared once: its name, type, default, validator and doc, and which front ends
 * show it. The command line's option, the Spark ML Param (with its getter), the properties-file
 * key and the training config are all made from this declaration, so they cannot drift; a test
 * walks every setting and checks each front end against it.
 *
 * <p>Names: {@link #name()} is the setting's own name (camelCase, also the Spark ML Param's
 * name, e.g. {@code learningRate}); {@link #flag()} its command-line option ({@code --lr}); the
 * properties key is the flag without dashes ({@code lr}). Core code names a setting by
 * {@link #name()} ({@link BadInputException#setting}); each front end words it as its own.
 *
 * @param <T> Integer, Long, Double, Boolean, String or {@code List<Integer>}
 */
public final class Setting<T> {

  /** Where a setting is shown. */
  public enum Front {
    /** the command line (and --conf properties files) */
    CLI,
    /** the Spark ML Estimator and its fitted model */
    ML
  }

  /** The help section and the commands a setting belongs to. */
  public enum Group {
    MODEL("Model"), OPTIMIZER("Optimizer"), SCHEDULE("Learning-rate schedule"), REGULARIZATION("Regularization"),
    STOPPING("Early stopping"), DATA("Data"), CHECKPOINTS("Checkpoints"), WARM_START("Warm start"),
    TRANSPORT("Step transport");

    private final String title;

    Group(String title) {
      this.title = title;
    }

    /** The heading of the group's section in help texts and docs. */
    public String title() {
      return title;
    }
  }

  private final String name;
  private final String flag;
  private final String label;
  private final Class<?> type;
  private final T defaultValue;
  private final T mlDefault;
  private final String noun;
  private final String doc;
  private final String allowed;
  private final Predicate<T> ok;
  private final Supplier<List<String>> choices;
  private final UnaryOperator<String> canonical;
  private final Group group;
  private final Set<Front> fronts;
  private final T bare;
  private final Function<Lookup, T> derived;
  private final String defaultText;
  private final String word;
  private final T wordValue;

  private Setting(Builder<T> b) {
    this.name = b.name;
    this.flag = b.flag;
    this.label = b.label;
    this.type = b.type;
    this.defaultValue = b.defaultValue;
    this.mlDefault = b.mlDefault != null ? b.mlDefault : b.defaultValue;
    this.noun = b.noun;
    this.doc = b.doc;
    this.choices = b.choices;
    this.allowed = b.allowed != null ? b.allowed : b.choices != null ? null : anything(b.type);
    this.ok = b.ok;
    this.canonical = b.canonical;
    this.group = b.group;
    this.fronts = b.fronts;
    this.bare = b.bare;
    this.derived = b.derived;
    this.defaultText = b.defaultText;
    this.word = b.word;
    this.wordValue = b.wordValue;
  }

  private static String anything(Class<?> type) {
    return type == Boolean.class ? "true or false" : type == String.class ? "any text"
        : type == Double.class ? "any number" : type == List.class ? "comma-separated integers" : "any integer";
  }

  public String name() {
    return name;
  }

  /** The command-line option, e.g. {@code --lr}. */
  public String flag() {
    return flag;
  }

  /** The properties-file key: the flag without its dashes, e.g. {@code lr}. */
  public String key() {
    return flag.substring(2);
  }

  /** The value's placeholder in help texts, e.g. {@code ETA}. */
  public String label() {
    return label;
  }

  /** Integer, Long, Double, Boolean, String or List (of Integer). */
  public Class<?> type() {
    return type;
  }

  /** What the setting is, e.g. "learning rate" (errors say "invalid learning rate"). */
  public String noun() {
    return noun;
  }

  /** One line for help texts and Param docs, other settings named by their names. */
  public String doc() {
    return doc(UnaryOperator.identity());
  }

  /** The same with the other settings it mentions ({@code {name}} in the declaration) named by {@code wording}. */
  public String doc(UnaryOperator<String> wording) {
    return BadInputException.mentions(doc, wording);
  }

  public Group group() {
    return group;
  }

  public boolean shownIn(Front front) {
    return fronts.contains(front);
  }

  /**
   * The value the command-line flag means when given without one (e.g. {@code --batch-norm} alone
   * for {@code before}), or null when the flag needs a value. Booleans are always bare flags.
   */
  public T bare() {
    return bare;
  }

  /** The default of the command line; null for a default that depends on other settings ({@link #isDerived}). */
  public T defaultValue() {
    return defaultValue;
  }

  /**
   * The default a front end uses; they differ only where Spark ML's conventions differ (said in the doc).
   * Null for a default that depends on other settings ({@link #isDerived}).
   */
  public T defaultFor(Front front) {
    return front == Front.ML ? mlDefault : defaultValue;
  }

  /** Whether the default depends on other settings (the learning rate on the optimizer): {@link #derivedDefault}. */
  public boolean isDerived() {
    return derived != null;
  }

  /** The default given the other settings' values {@code values}: the derived one, else the fixed one. */
  public T derivedDefault(Lookup values) {
    return derived != null ? derived.apply(values) : defaultFor(values.front());
  }

  /** The values of the other settings, as a default that depends on them reads them ({@link SettingValues} is one). */
  public interface Lookup {
    /** The value of {@code setting}. */
    <T> T get(Setting<T> setting);

    /** The front end whose defaults the values have. */
    Front front();
  }

  /** The default as help texts and docs say it in words, or null where the value itself says it. */
  public String defaultText() {
    return defaultText;
  }

  /** The word that may be written for {@link #wordValue} (e.g. "auto" for 0), or null. */
  public String word() {
    return word;
  }

  /** The value {@link #word} stands for. */
  public T wordValue() {
    return wordValue;
  }

  /** The allowed values of a choice (canonical spellings), or null for a free value. */
  public List<String> choices() {
    return choices == null ? null : choices.get();
  }

  /** What is allowed, for messages and docs: e.g. "a finite number > 0" or "one of sgd, momentum, ...". */
  public String allowed() {
    List<String> c = choices();
    return c != null ? String.join(", ", c) : allowed;
  }

  /**
   * The value normalized (a choice in its canonical lower-case spelling, however it arrived) and
   * validated; a bad value is a {@link BadInputException} naming this setting.
   */
  public T checked(T value) {
    if (value == null) {
      throw BadInputException.setting(name, "missing " + noun, allowed(), "nothing");
    }
    T v = normalized(value);
    List<String> c = choices();
    if (c != null && !c.contains((String) v)) {
      throw BadInputException.setting(name, "unknown " + noun, allowed(), "'" + value + "'");
    }
    if (!ok.test(v)) {
      throw BadInputException.setting(name, "invalid " + noun, allowed(), value instanceof String
          ? "'" + value + "'" : format(value));
    }
    return v;
  }

  /** Whether {@code value} would pass {@link #checked}. */
  public boolean isValid(T value) {
    try {
      checked(value);
      return true;
    } catch (BadInputException e) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  private T normalized(T value) {
    if (value instanceof String s) { // a choice is spelled freely; a free text (a path, a column) is kept as given
      return (T) (choices != null ? canonical.apply(s.strip()).toLowerCase(Locale.ROOT) : s);
    }
    if (value instanceof List<?> list) {
      return (T) List.copyOf(list);
    }
    return value;
  }

  /** A value from text (a command-line argument or a properties value), normalized and validated. */
  @SuppressWarnings("unchecked")
  public T parse(String text) {
    Object v;
    try {
      String t = text.strip();
      if (word != null && t.equalsIgnoreCase(word)) {
        return checked(wordValue);
      }
      v = type == String.class ? text : Values.parse(type, t);
    } catch (IllegalArgumentException e) {
      throw BadInputException.setting(name, "invalid " + noun, allowed(), "'" + text + "'");
    }
    return checked((T) v);
  }

  /** The value as text, the way {@link #parse} reads it ({@link #word} for its value). */
  public String format(T value) {
    if (word != null && wordValue.equals(value)) {
      return word;
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  @Override
  public String toString() {
    return name;
  }

  // ---- declaring settings ----

  public static Builder<Double> real(String name, String flag) {
    return new Builder<>(name, flag, Double.class);
  }

  public static Builder<Integer> integer(String name, String flag) {
    return new Builder<>(name, flag, Integer.class);
  }

  public static Builder<Long> longInteger(String name, String flag) {
    return new Builder<>(name, flag, Long.class);
  }

  public static Builder<Boolean> bool(String name, String flag) {
    return new Builder<Boolean>(name, flag, Boolean.class).dflt(false);
  }

  public static Builder<String> text(String name, String flag) {
    return new Builder<>(name, flag, String.class);
  }

  /** A string from a fixed (or registry-made) list, stored in its canonical lower-case spelling. */
  public static Builder<String> choice(String name, String flag, Supplier<List<String>> choices) {
    Builder<String> b = new Builder<>(name, flag, String.class);
    b.choices = choices;
    return b;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Builder<List<Integer>> intList(String name, String flag) {
    return new Builder(name, flag, List.class);
  }

  /** Declares a setting: {@code Setting.real("learningRate", "--lr").dflt(0.1).check(...).doc(...).build()}. */
  public static final class Builder<T> {
    private final String name;
    private final String flag;
    private final Class<?> type;
    private String label;
    private T defaultValue;
    private T mlDefault;
    private String noun;
    private String doc = "";
    private String allowed;
    private Predicate<T> ok = v -> true;
    private Supplier<List<String>> choices;
    private UnaryOperator<String> canonical = UnaryOperator.identity();
    private Group group;
    private Set<Front> fronts = EnumSet.of(Front.CLI, Front.ML);
    private T bare;
    private Function<Lookup, T> derived;
    private String defaultText;
    private String word;
    private T wordValue;

    private Builder(String name, String flag, Class<?> type) {
      this.name = name;
      this.flag = flag;
      this.type = type;
      this.noun = name;
      this.label = flag.substring(2).toUpperCase(Locale.ROOT);
    }

    public Builder<T> label(String v) { label = v; return this; }
    public Builder<T> dflt(T v) { defaultValue = v; return this; }
    /** Spark ML's default where its conventions differ from the command line's (say why in the doc). */
    public Builder<T> mlDefault(T v) { mlDefault = v; return this; }
    public Builder<T> noun(String v) { noun = v; return this; }
    /** The doc; {@code {name}} in it mentions another setting, which each front end names its own way. */
    public Builder<T> doc(String v) { doc = v; return this; }
    /** The validator and its description ("a finite number > 0"). */
    public Builder<T> check(Predicate<T> v, String description) { ok = v; allowed = description; return this; }
    /** Maps accepted spellings to the canonical one before validation (e.g. "leaky" to "leaky-relu"). */
    public Builder<T> canonical(UnaryOperator<String> v) { canonical = v; return this; }
    public Builder<T> in(Group v) { group = v; return this; }
    public Builder<T> only(Front front) { fronts = EnumSet.of(front); return this; }
    /** The value of the flag given alone (say so in the doc). */
    public Builder<T> bare(T v) { bare = v; return this; }
    /**
     * A default that depends on the other settings ({@code derive} of their values, on every front end), said
     * as {@code text} in help texts and docs; there is no fixed default then.
     */
    public Builder<T> dfltFrom(Function<Lookup, T> derive, String text) {
      derived = derive; defaultText = text; defaultValue = null; mlDefault = null; return this;
    }
    /** The default said in words in help texts and docs (e.g. "auto" for 0). */
    public Builder<T> dfltText(String v) { defaultText = v; return this; }
    /** A word that may be written for {@code value}, and that formats it: {@code word("auto", 0)}. */
    public Builder<T> word(String w, T value) { word = w; wordValue = value; return this; }

    public Setting<T> build() {
      Objects.requireNonNull(group, name + ": no group");
      Setting<T> s = new Setting<>(this);
      if (defaultValue != null) {
        s.checked(defaultValue);
      }
      if (bare != null) {
        s.checked(bare);
      }
      if (word != null) {
        s.checked(wordValue);
      }
      return s;
    }
  }
}
