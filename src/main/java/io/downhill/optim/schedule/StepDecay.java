package io.downhill.optim.schedule;

/**
 * Step decay per epoch: {@code η_e = η₀ · γ^e} for epoch {@code e} (from 0). {@code γ = 1} is a
 * constant rate.
 */
public record StepDecay(double initial, double decay) implements Schedule {

  public StepDecay {
    if (!(initial > 0) || Double.isInfinite(initial)) {
      throw new IllegalArgumentException("learning rate must be a finite number > 0, found " + initial);
    }
    if (!(decay > 0 && decay <= 1)) {
      throw new IllegalArgumentException("learning-rate decay must be in (0, 1], found " + decay);
    }
  }

  @Override
  public double rate(int epoch, long step) {
    return initial * Math.pow(decay, epoch);
  }
}
