package io.downhill.loss;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The data losses by name, as {@code --loss}, the Spark ML param and model files name them. A new
 * loss is its class and one line in the table below; the heads themselves never look here.
 */
public final class Losses {
  private static final List<String> NAMES = new ArrayList<>();
  private static final Map<String, Loss> BY_NAME = new HashMap<>();

  static {
    add(new SoftmaxCrossEntropy(), "softmax-cross-entropy", "cross-entropy");
    add(new MulticlassHinge(), "hinge", "multiclass-hinge");
    add(new BinaryLogistic(), "binary-logistic");
    add(new SquaredError(), "squared-error", "least-squares");
  }

  private Losses() {}

  private static void add(Loss loss, String... aliases) {
    NAMES.add(loss.name());
    BY_NAME.put(loss.name(), loss);
    for (String alias : aliases) {
      BY_NAME.put(alias, loss);
    }
  }

  /** The loss named {@code name} (any case, or an alias such as {@code hinge}); unknown names throw. */
  public static Loss parse(String name) {
    Loss loss = BY_NAME.get(name.toLowerCase(Locale.ROOT));
    if (loss == null) {
      throw new IllegalArgumentException("unknown loss '" + name + "'; expected " + expected());
    }
    return loss;
  }

  /** The canonical name of {@code name} ({@code hinge} is {@code svm}), or {@code name} itself when unknown. */
  public static String canonical(String name) {
    Loss loss = BY_NAME.get(name.toLowerCase(Locale.ROOT));
    return loss == null ? name : loss.name();
  }

  /** "softmax, svm, logistic or squared": the canonical names for a message. */
  public static String expected() {
    return String.join(", ", NAMES.subList(0, NAMES.size() - 1)) + " or " + NAMES.get(NAMES.size() - 1);
  }
}
