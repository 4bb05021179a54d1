package io.downhill.optim;

import io.downhill.linalg.Numbers;
import io.downhill.BadInputException;
import io.downhill.model.ParameterLayout;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * Which update rule and its hyperparameters ({@code --optimizer} and friends).
 *
 * <p>{@code gd} is full-batch gradient descent (the plain SGD rule on the gradient of all
 * training rows, with an optional line search); {@code random-search} is the lecture's bad idea
 * (no gradient at all). Both are run by their own trainers.
 *
 * @param name        sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, gd, random-search
 * @param momentum    μ of momentum and nesterov, in [0, 1)
 * @param beta1       β₁ of adam/adamw, in [0, 1)
 * @param beta2       β₂ of adam/adamw, in [0, 1)
 * @param eps         ε of adagrad, rmsprop, adam/adamw, > 0
 * @param rho         ρ of rmsprop, in [0, 1)
 * @param weightDecay λ_wd of adamw, >= 0
 */
public record OptimizerConfig(String name, double momentum, double beta1, double beta2, double eps, double rho,
    double weightDecay) implements Serializable {

  public static final List<String> NAMES =
      List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "gd", "random-search");

  public OptimizerConfig {
    name = name.toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw BadInputException.of("--optimizer", "unknown optimizer", String.join(", ", NAMES), "'" + name + "'");
    }
    unit("--momentum", momentum);
    unit("--beta1", beta1);
    unit("--beta2", beta2);
    unit("--rho", rho);
    if (!(eps > 0) || Double.isInfinite(eps)) {
      throw BadInputException.of("--eps", "invalid epsilon", "a finite number > 0", Double.toString(eps));
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw BadInputException.of("--weight-decay", "invalid weight decay", "a finite number >= 0",
          Double.toString(weightDecay));
    }
  }

  private static void unit(String flag, double v) {
    if (!(v >= 0 && v < 1)) {
      throw BadInputException.of(flag, "invalid decay factor", "a number in [0, 1)", Double.toString(v));
    }
  }

  /** Defaults: μ 0.9, β₁ 0.9, β₂ 0.999, ε 1e-8, ρ 0.99, λ_wd 0.01. */
  public static OptimizerConfig of(String name) {
    return new OptimizerConfig(name, 0.9, 0.9, 0.999, 1e-8, 0.99, 0.01);
  }

  /** A fresh optimizer (zero state) for parameters of this layout. */
  public Optimizer create(ParameterLayout layout) {
    int p = layout.size();
    return switch (name) {
      case "sgd", "gd" -> new Sgd();
      case "momentum" -> new Momentum(p, momentum);
      case "nesterov" -> new Nesterov(p, momentum);
      case "adagrad" -> new AdaGrad(p, eps);
      case "rmsprop" -> new RmsProp(p, rho, eps);
      case "adam" -> new Adam(p, beta1, beta2, eps, 0.0, null);
      case "adamw" -> new Adam(p, beta1, beta2, eps, weightDecay, weights(layout));
      default -> throw new IllegalStateException(name + " has no update rule: it has its own trainer");
    };
  }

  private static boolean[] weights(ParameterLayout layout) {
    boolean[] mask = new boolean[layout.size()];
    for (ParameterLayout.Slice s : layout.slices()) {
      if (s.regularized()) {
        java.util.Arrays.fill(mask, s.offset(), s.end(), true);
      }
    }
    return mask;
  }

  /** e.g. "adam (β₁ 0.9, β₂ 0.999, ε 1e-8)". */
  public String describe() {
    return switch (name) {
      case "momentum", "nesterov" -> name + " (μ " + Numbers.compact(momentum) + ")";
      case "adagrad" -> name + " (ε " + Numbers.compact(eps) + ")";
      case "rmsprop" -> name + " (ρ " + Numbers.compact(rho) + ", ε " + Numbers.compact(eps) + ")";
      case "adam" -> name + " (β₁ " + Numbers.compact(beta1) + ", β₂ " + Numbers.compact(beta2) + ", ε "
          + Numbers.compact(eps) + ")";
      case "adamw" -> name + " (β₁ " + Numbers.compact(beta1) + ", β₂ " + Numbers.compact(beta2) + ", ε "
          + Numbers.compact(eps) + ", weight decay " + Numbers.compact(weightDecay) + ")";
      default -> name;
    };
  }
}
