package io.downhill.ml;

import io.downhill.BadInputException;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.train.TrainingSettings;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;
import scala.Function1;

/**
 * The Spark ML Params of the training settings ({@link TrainingSettings} shown in
 * {@link Setting.Front#ML}), made from their declarations: name, type, default, validator and doc
 * come from the setting, so the Params cannot drift from the command line. Also the two ways
 * between them: a Param's value to the setting's (an {@code int[]} is a {@code List<Integer>}),
 * and the Params of an instance to the {@link SettingValues} a training config is made from.
 */
final class SettingParams implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The settings shown in Spark ML, in the catalogue's order. */
  static final List<Setting<?>> ML = TrainingSettings.ALL.stream().filter(s -> s.shownIn(Setting.Front.ML)).toList();

  private final LinkedHashMap<String, Param<?>> params;

  private SettingParams(LinkedHashMap<String, Param<?>> params) {
    this.params = params;
  }

  /**
   * A Param per setting shown in Spark ML, owned by {@code owner} (so made once per instance, when
   * its uid is known), each with the setting's default for Spark ML. A setting whose default depends on
   * other settings (the learning rate on the optimizer) has no Spark default: unset, its getter says the
   * value it takes ({@link DownhillParams#getLearningRate}).
   */
  @SuppressWarnings("unchecked")
  static SettingParams define(Params owner) {
    LinkedHashMap<String, Param<?>> params = new LinkedHashMap<>();
    for (Setting<?> s : ML) {
      Param<Object> p = (Param<Object>) param(owner, s);
      if (!s.isDerived()) {
        owner.setDefault(p, toParam(s.defaultFor(Setting.Front.ML)));
      }
      params.put(s.name(), p);
    }
    return new SettingParams(params);
  }

  /** The Param of {@code setting}. */
  Param<?> get(Setting<?> setting) {
    Param<?> p = params.get(setting.name());
    if (p == null) {
      throw new IllegalArgumentException("no Spark ML Param for the setting " + setting.name());
    }
    return p;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Param<?> param(Params owner, Setting<?> s) {
    String doc = s.doc(PARAM_NAMES) + " (" + (s.choices() != null ? "one of " : "") + allowed(s) + ")";
    Function1 ok = new Validator(owner.getClass().getSimpleName(), s.name());
    Class<?> type = s.type();
    if (type == Double.class) {
      return new DoubleParam(owner, s.name(), doc, ok);
    } else if (type == Integer.class) {
      return new IntParam(owner, s.name(), doc, ok);
    } else if (type == Long.class) {
      return new LongParam(owner, s.name(), doc, ok);
    } else if (type == Boolean.class) {
      return new BooleanParam(owner, s.name(), doc); // any boolean: Spark gives it no validator
    } else if (type == List.class) {
      return new IntArrayParam(owner, s.name(), doc, ok);
    }
    return new Param<String>(owner, s.name(), doc, ok);
  }

  /** How Spark ML names a setting a text mentions: by its Param's name, which is the setting's. */
  private static final UnaryOperator<String> PARAM_NAMES = UnaryOperator.identity();

  /** "a number in [0, {learningRate}]" as Spark ML says it: "a number in [0, learningRate]". */
  private static String allowed(Setting<?> s) {
    return BadInputException.mentions(s.allowed(), PARAM_NAMES);
  }

  /** A setting's value as its Param holds it: a list of integers as {@code int[]}. */
  static Object toParam(Object value) {
    return value instanceof List<?> list ? list.stream().mapToInt(v -> (Integer) v).toArray() : value;
  }

  /** A Param's value as its setting holds it: {@code int[]} as a list of integers. */
  static Object fromParam(Object value) {
    return value instanceof int[] a ? Arrays.stream(a).boxed().toList() : value;
  }

  /**
   * A valid {@code value} of {@code setting} normalized the setting's way (a choice in its canonical
   * lower-case spelling, "ADAM" as "adam"); an invalid one as it is, for the Param's validator to refuse.
   */
  @SuppressWarnings("unchecked")
  static <T> Object normalized(Setting<T> setting, Object value) {
    T v = (T) fromParam(value);
    return setting.isValid(v) ? toParam(setting.checked(v)) : value;
  }

  /** {@code owner} with {@code setting} set to {@code value}, normalized. */
  @SuppressWarnings("unchecked")
  static void set(DownhillParams owner, Setting<?> setting, Object value) {
    owner.set((Param<Object>) owner.param(setting), normalized(setting, value));
  }

  /** {@code owner} with every setting Param set to its value in {@code values} (a fitted model's Params). */
  static void setAll(DownhillParams owner, SettingValues values) {
    for (Setting<?> s : ML) {
      set(owner, s, toParam(values.get(s)));
    }
  }

  /**
   * {@code extra} with the values of {@code owner}'s setting Params normalized: what a
   * {@code ParamMap} given to {@code fit}, a {@code ParamGridBuilder}'s grid or a tuning run
   * passes to {@code copy} arrives as it was typed.
   */
  @SuppressWarnings("unchecked")
  static ParamMap normalized(DownhillParams owner, ParamMap extra) {
    ParamMap out = extra.copy();
    for (Setting<?> s : ML) {
      Param<Object> p = (Param<Object>) owner.param(s);
      if (extra.contains(p)) {
        out.put(p, normalized(s, extra.apply(p)));
      }
    }
    return out;
  }

  /**
   * The settings {@code owner}'s Params describe: each one set explicitly, the others at their defaults (a
   * default Spark holds for a derived one, as an instance saved before it was derived has, counts as set).
   */
  static SettingValues values(DownhillParams owner) {
    SettingValues values = SettingValues.defaults(Setting.Front.ML);
    for (Setting<?> s : ML) {
      Param<?> p = owner.param(s);
      if (owner.isSet(p) || s.isDerived() && owner.hasDefault(p)) {
        values = with(values, s, owner.getOrDefault(p));
      }
    }
    return values;
  }


  @SuppressWarnings("unchecked")
  private static <T> SettingValues with(SettingValues values, Setting<T> setting, Object paramValue) {
    return values.with(setting, (T) fromParam(paramValue));
  }

  /**
   * An error about a setting as a Spark ML user knows it: "DownhillClassifier learningRate: ...",
   * other settings it mentions by their Param names. Any other error as it is.
   */
  static BadInputException reworded(BadInputException e, String owner) {
    if (e.setting() == null) {
      return e;
    }
    return new BadInputException(owner + " " + e.worded(PARAM_NAMES).getMessage(), e);
  }

  /**
   * A Param's validator: the setting's own. A failure throws with a message naming the Param, the
   * value and what is allowed (Spark's default says only "invalid value"). Serializable, as a
   * fitted model travels to the executors with its Params; it finds its setting by name there.
   */
  private static final class Validator implements Function1<Object, Object>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String owner;
    private final String setting;

    Validator(String owner, String setting) {
      this.owner = owner;
      this.setting = setting;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object apply(Object value) {
      Setting<Object> s = (Setting<Object>) TrainingSettings.named(setting);
      if (!s.isValid(fromParam(value))) {
        String shown = value instanceof int[] a ? Arrays.toString(a) : String.valueOf(value);
        throw new IllegalArgumentException(owner + " parameter " + setting + ": invalid value " + shown + "; allowed: "
            + (s.choices() != null ? "one of " : "") + allowed(s));
      }
      return Boolean.TRUE;
    }
  }
}
