package io.downhill.optim;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which update rule and its hyperparameters ({@code --optimizer} and friends), and the registry
 * of update rules: one line per rule, its name and how it is made from these hyperparameters.
 *
 * <p>Until the training algorithm has a setting of its own, {@code --optimizer} also accepts the
 * names of the algorithms that are not minibatch steps of a rule ({@link #ALGORITHMS}): {@code gd},
 * full-batch gradient descent (the sgd rule on the gradient of all training rows, with an optional
 * line search), and {@code random-search}, the lecture's bad idea (no gradient at all). The
 * training loop's {@code io.downhill.train.Algorithm} runs them.
 *
 * <p>The values are validated by the settings schema when part of a training config
 * ({@code io.downhill.train.TrainingSettings}).
 *
 * @param name        an update rule ({@link #ruleNames}) or an algorithm ({@link #ALGORITHMS})
 * @param momentum    μ of momentum and nesterov, in [0, 1)
 * @param beta1       β₁ of adam/adamw/nadam/amsgrad/adamax, in [0, 1)
 * @param beta2       β₂ of adam/adamw/nadam/amsgrad/adamax, in [0, 1)
 * @param eps         ε of adagrad, rmsprop, adadelta, adam/adamw/nadam/amsgrad/adamax, > 0
 * @param rho         ρ of rmsprop and adadelta, in [0, 1)
 * @param weightDecay λ_wd of adamw, >= 0
 */
public record OptimizerConfig(String name, double momentum, double beta1, double beta2, double eps, double rho,
    double weightDecay) implements Serializable {

  /** The update rules by name, each made from the hyperparameters; in the order the help lists them. */
  private static final Map<String, Function<OptimizerConfig, Optimizer>> RULES = new LinkedHashMap<>();

  static {
    RULES.put("sgd", c -> new Sgd());
    RULES.put("momentum", c -> new Momentum(c.momentum()));
    RULES.put("nesterov", c -> new Nesterov(c.momentum()));
    RULES.put("adagrad", c -> new AdaGrad(c.eps()));
    RULES.put("rmsprop", c -> new RmsProp(c.rho(), c.eps()));
    RULES.put("adam", c -> new Adam(c.beta1(), c.beta2(), c.eps(), 0.0));
    RULES.put("adamw", c -> new Adam(c.beta1(), c.beta2(), c.eps(), c.weightDecay()));
    RULES.put("nadam", c -> new Nadam(c.beta1(), c.beta2(), c.eps()));
    RULES.put("amsgrad", c -> new AmsGrad(c.beta1(), c.beta2(), c.eps()));
    RULES.put("adamax", c -> new AdaMax(c.beta1(), c.beta2(), c.eps()));
    RULES.put("adadelta", c -> new Adadelta(c.rho(), c.eps()));
  }

  /** The {@code --optimizer} values that name a training algorithm rather than an update rule. */
  public static final List<String> ALGORITHMS = List.of("gd", "random-search");

  /**
   * Each rule's default learning rate η₀, used when none is given (a new rule declares its own here, beside its
   * line in {@link #RULES}): the rates the rules' authors and the common libraries (Keras, PyTorch) start from,
   * checked on Fashion-MNIST and small sets (docs/RESULTS.md, "Defaults against tuned"). Momentum's effective
   * rate is η/(1-μ): at 0.1 with μ 0.9 it moves ten times as far as sgd at 0.1, which measured better on a
   * network (0.8934 against 0.8745 at 0.01, Fashion-MNIST 784-256-10, cosine schedule). AdaGrad at 0.05 did a
   * little better on the linear model (0.8447 against 0.8413) but the network's loss exploded at its first
   * step; 0.01 trains both (0.8814).
   */
  private static final Map<String, Double> DEFAULT_RATES = Map.ofEntries(
      Map.entry("sgd", 0.1), Map.entry("momentum", 0.1), Map.entry("nesterov", 0.1), Map.entry("adagrad", 1e-2),
      Map.entry("rmsprop", 1e-3), Map.entry("adam", 1e-3), Map.entry("adamw", 1e-3), Map.entry("nadam", 2e-3),
      Map.entry("amsgrad", 1e-3), Map.entry("adamax", 2e-3), Map.entry("adadelta", 1.0));

  /**
   * The rules whose default η₀ differs for a network (a hidden layer), where {@link #DEFAULT_RATES} holds the
   * linear models' rate. Plain sgd's 0.1 is the largest rate that is safe for a linear model on standardized
   * pixels (0.3 rose within 50 steps on Fashion-MNIST); a network of the same data takes twice that, measured with
   * the default cosine schedule and 10 epochs (docs/RESULTS.md, "Defaults against tuned"): Fashion-MNIST
   * 784-256-10 0.8852 against 0.8765 at 0.1, 784-256-128-10 0.8845 against 0.8792, MNIST 0.9698 against 0.9624,
   * the nonlinear set 0.9025 against 0.8944; digits and wine unchanged, breast cancer one test row of 114 lower.
   */
  private static final Map<String, Double> NETWORK_RATES = Map.of("sgd", 0.2);

  /** η₀ of the algorithms that are not minibatch steps of a rule: gd's line search starts its first step here. */
  private static final double ALGORITHM_RATE = 0.1;


  /** The update rules, in the order the help lists them. */
  public static List<String> ruleNames() {
    return List.copyOf(RULES.keySet());
  }

  /** Every {@code --optimizer} value: the update rules, then the algorithms. */
  public static List<String> names() {
    List<String> all = new ArrayList<>(RULES.keySet());
    all.addAll(ALGORITHMS);
    return all;
  }

  /**
   * The learning rate {@code name} (a rule or an algorithm) uses when none is given: the rule's own
   * ({@link #DEFAULT_RATES}, a linear model's); 0.1 for gd (its line search's first trial step) and random-search
   * (which takes none).
   */
  public static double defaultRate(String name) {
    return defaultRate(name, false);
  }

  /**
   * The learning rate {@code name} uses when none is given, for a network ({@code network}: a model with a hidden
   * layer) or a linear model: the rule's network rate where it declares one ({@link #NETWORK_RATES}), else
   * {@link #defaultRate(String)}.
   */
  public static double defaultRate(String name, boolean network) {
    if (ALGORITHMS.contains(name)) {
      return ALGORITHM_RATE;
    }
    Double rate = network && NETWORK_RATES.containsKey(name) ? NETWORK_RATES.get(name) : DEFAULT_RATES.get(name);
    if (rate == null) {
      throw new IllegalStateException("the update rule " + name + " declares no default learning rate");
    }
    return rate;
  }

  /** The training algorithm {@code --optimizer} names: gd or random-search, else minibatch (steps of this rule). */
  public String algorithm() {
    return ALGORITHMS.contains(name) ? name : "minibatch";
  }

  /** The update rule these settings name (it holds only the hyperparameters; its state comes from newState). */
  public Optimizer rule() {
    Function<OptimizerConfig, Optimizer> make = RULES.get(name);
    if (make == null) {
      throw new IllegalStateException(name + " is a training algorithm, not an update rule");
    }
    return make.apply(this);
  }

  /** e.g. "adam (β₁ 0.9, β₂ 0.999, ε 1e-8)". */
  public String describe() {
    return RULES.containsKey(name) ? rule().describe() : name;
  }
}
