package io.downhill.optim;

import io.downhill.linalg.Numbers;

/**
 * What the rules built on Adam's two moment estimates share: β₁ (the first moment's decay), β₂ (the
 * second's) and ε, and their description. Each rule keeps its own {@code stepInPlace}, written out
 * beside its formula, so that a reader compares Adam, Nadam, AMSGrad and AdaMax line by line.
 */
abstract class AdamFamily implements Optimizer {
  protected final double beta1;
  protected final double beta2;
  protected final double eps;

  AdamFamily(double beta1, double beta2, double eps) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  @Override
  public String describe() {
    return name() + " (β₁ " + Numbers.compact(beta1) + ", β₂ " + Numbers.compact(beta2) + ", ε "
        + Numbers.compact(eps) + extra() + ")";
  }

  /** More of the description, after ε (", weight decay 0.01"); empty by default. */
  String extra() {
    return "";
  }
}
