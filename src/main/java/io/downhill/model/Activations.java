package io.downhill.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The activation functions by name: configurations ({@code --activation}, the Spark ML param)
 * and model files name a function, this finds it. A new function is its class and one line in
 * the table below; the names it accepts and the messages follow.
 */
public final class Activations {
  private static final List<String> NAMES = new ArrayList<>();
  private static final Map<String, ActivationFunction> BY_NAME = new HashMap<>();

  static {
    add(new Relu());
    add(new LeakyRelu(), "leakyrelu", "leaky");
    add(new Tanh());
    add(new Elu());
    add(new Sigmoid());
  }

  private Activations() {}

  private static void add(ActivationFunction f, String... aliases) {
    NAMES.add(f.name());
    BY_NAME.put(f.name(), f);
    for (String alias : aliases) {
      BY_NAME.put(alias, f);
    }
  }

  /**
   * The function named {@code name} (any case, {@code _} for {@code -}, or an alias such as
   * {@code leaky}); unknown names throw with the list of known ones.
   */
  public static ActivationFunction of(String name) {
    ActivationFunction f = BY_NAME.get(name.toLowerCase(Locale.ROOT).replace('_', '-'));
    if (f == null) {
      throw new IllegalArgumentException("unknown activation '" + name + "'; expected " + expected());
    }
    return f;
  }

  /** The canonical name of {@code name} (an alias, another case), or {@code name} itself when unknown. */
  public static String canonical(String name) {
    ActivationFunction f = BY_NAME.get(name.toLowerCase(Locale.ROOT).replace('_', '-'));
    return f == null ? name : f.name();
  }

  /** The canonical names, in table order. */
  public static List<String> names() {
    return List.copyOf(NAMES);
  }

  /** "relu, leaky-relu or tanh": the canonical names for a message. */
  public static String expected() {
    return String.join(", ", NAMES.subList(0, NAMES.size() - 1)) + " or " + NAMES.get(NAMES.size() - 1);
  }
}
