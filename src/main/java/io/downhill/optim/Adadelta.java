package io.downhill.optim;

import io.downhill.linalg.Numbers;
import io.downhill.model.ParameterLayout;

/**
 * Adadelta (Zeiler 2012, Algorithm 1): RMSProp whose step is measured in the units of θ, the RMS
 * of recent steps over the RMS of recent gradients, so the paper needs no learning rate:
 * <pre>
 *   E[g²]  ← ρ·E[g²] + (1 - ρ)·g²
 *   Δθ     = √(E[Δθ²] + ε) / √(E[g²] + ε) · g
 *   E[Δθ²] ← ρ·E[Δθ²] + (1 - ρ)·Δθ²
 *   θ ← θ - η · Δθ
 * </pre>
 * The paper's update is η = 1; like PyTorch's {@code Adadelta} (whose lr defaults to 1.0) the step
 * is multiplied by the run's learning rate η, and E[Δθ²] accumulates the step before η. Suggested
 * learning rate: 1.0. State: E[g²] (named {@code g2}, as RMSProp's) and E[Δθ²] (named {@code dx2}),
 * zero at the start.
 *
 * <p>ρ is {@code --rho} and ε is {@code --eps}, the settings RMSProp and Adam share; their defaults
 * for adadelta are the paper's (ρ 0.95, ε 1e-6; PyTorch's are ρ 0.9, ε 1e-6), not the others' 0.99
 * and 1e-8 (TrainingSettings). ε matters more here than anywhere else: with E[Δθ²] = 0 the first
 * steps are about √(ε / (1 - ρ)) in size, and they grow from there (4.5e-3 with the paper's values,
 * 1e-3 with 0.99 and 1e-8).
 */
public final class Adadelta implements Optimizer {
  private final double rho;
  private final double eps;

  public Adadelta(double rho, double eps) {
    this.rho = rho;
    this.eps = eps;
  }

  @Override
  public String name() {
    return "adadelta";
  }

  @Override
  public String describe() {
    return name() + " (ρ " + Numbers.compact(rho) + ", ε " + Numbers.compact(eps) + ")";
  }

  @Override
  public OptimizerState newState(ParameterLayout layout) {
    return new OptimizerState(layout, "g2", "dx2");
  }

  @Override
  public void stepInPlace(double[] theta, double[] grad, OptimizerState state, double lr) {
    double[] g2 = state.array("g2");
    double[] dx2 = state.array("dx2");
    for (int i = 0; i < theta.length; i++) {
      double g = grad[i];
      g2[i] = rho * g2[i] + (1 - rho) * g * g;                   // E[g²] ← ρ·E[g²] + (1 - ρ)·g²
      double dx = Math.sqrt(dx2[i] + eps) / Math.sqrt(g2[i] + eps) * g; // Δθ = RMS[Δθ]/RMS[g]·g
      dx2[i] = rho * dx2[i] + (1 - rho) * dx * dx;               // E[Δθ²] ← ρ·E[Δθ²] + (1 - ρ)·Δθ²
      theta[i] -= lr * dx;                                       // θ ← θ - η·Δθ
    }
  }
}
