package io.downhill.train;

import java.io.Serializable;

/**
 * Settings of full-batch gradient descent ({@code --optimizer gd}): the backtracking (Armijo) line
 * search and the convergence test ({@code kind} and {@code tol} are settings, validated by
 * {@link TrainingConfig}).
 * <pre>
 *   d = -g,  η from the previous iteration (×2), or --lr at the first
 *   while f(θ + η·d) > f(θ) - c·η·‖g‖²:   η ← β·η          (each trial: one distributed loss pass)
 *   θ ← θ + η·d
 *   stop when ‖θ_new - θ‖ < tol  or  |f_new - f| / |f| < tol
 * </pre>
 *
 * @param kind   armijo (backtracking) or none (the schedule's rate, every iteration)
 * @param tol    convergence tolerance, >= 0 (0: run every epoch)
 * @param c      sufficient-decrease constant, in (0, 1)
 * @param shrink β, the backtracking factor, in (0, 1)
 */
public record LineSearch(String kind, double tol, double c, double shrink) implements Serializable {

  public LineSearch {
    if (!(c > 0 && c < 1) || !(shrink > 0 && shrink < 1)) {
      throw new IllegalArgumentException("line search needs 0 < c < 1 and 0 < shrink < 1");
    }
  }

  public boolean enabled() {
    return kind.equals("armijo");
  }
}
