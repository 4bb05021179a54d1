package io.downhill.model;

import java.io.Serializable;

/**
 * What kind of forward/backward pass this is: training (dropout on, its masks drawn from
 * {@code seed}) or evaluation (dropout off). A training pass with a fixed seed is a deterministic
 * function of θ, so it can be gradient-checked.
 */
public record Pass(boolean training, long seed) implements Serializable {
  public static final Pass EVAL = new Pass(false, 0L);

  public static Pass training(long seed) {
    return new Pass(true, seed);
  }
}
