package io.downhill.optim.schedule;

import io.downhill.linalg.Numbers;
import java.io.Serializable;

/**
 * The schedules, each a one-line formula in {@code t} (epochs, fractional):
 * <pre>
 *   constant      η(t) = η₀
 *   step          η(t) = η₀ · γ^⌊t / s⌋                       (γ: lrDecay, s: lrStep epochs)
 *   exponential   η(t) = η₀ · e^(-k·t)                         (k: decayRate)
 *   inverse       η(t) = η₀ / (1 + k·t)                        (the 1/t decay)
 *   cosine        η(t) = η_min + ½(η₀ - η_min)(1 + cos(π·t/T))  (T: the epochs of the run)
 * </pre>
 * With a warm-up of {@code w} epochs, every schedule is multiplied by {@code min(1, (t + 1/S)/w)}:
 * it rises linearly from {@code η/(w·S)} at the first step to its full value after {@code w} epochs.
 */
public final class Schedules {
  private Schedules() {}

  /**
   * The settings of a schedule, validated by the settings schema when part of a training config
   * ({@code io.downhill.train.TrainingSettings}).
   *
   * @param kind      constant, step, exponential, inverse or cosine
   * @param lr        η₀ ({@code learningRate})
   * @param decay     γ of the step schedule ({@code lrDecay}), in (0, 1]
   * @param stepEpochs s of the step schedule ({@code lrStep}), > 0
   * @param rate      k of exponential and inverse ({@code decayRate}), >= 0
   * @param min       η_min of cosine ({@code lrMin}), in [0, η₀]
   * @param warmup    w, warm-up epochs ({@code warmup}), >= 0
   */
  public record Config(String kind, double lr, double decay, double stepEpochs, double rate, double min, double warmup)
      implements Serializable {


    /** The schedule for a run of {@code epochs} epochs of {@code stepsPerEpoch} steps. */
    public Schedule create(int epochs, int stepsPerEpoch) {
      Schedule base = switch (kind) {
        case "constant" -> t -> lr;
        case "step" -> t -> lr * Math.pow(decay, Math.floor(t / stepEpochs + 1e-9));
        case "exponential" -> t -> lr * Math.exp(-rate * t);
        case "inverse" -> t -> lr / (1 + rate * t);
        case "cosine" -> t -> min + 0.5 * (lr - min) * (1 + Math.cos(Math.PI * Math.min(t, epochs) / epochs));
        default -> throw new IllegalStateException(kind);
      };
      if (warmup == 0) {
        return base;
      }
      double first = 1.0 / stepsPerEpoch;
      return t -> base.rate(t) * Math.min(1.0, (t + first) / warmup);
    }

    /** e.g. "step (x0.8 every 1 epoch)". */
    public String describe() {
      String s = switch (kind) {
        case "constant" -> "constant";
        case "step" -> "step (x" + Numbers.compact(decay) + " every " + Numbers.compact(stepEpochs) + " epoch"
            + (stepEpochs == 1 ? "" : "s") + ")";
        case "exponential" -> "exponential (k " + Numbers.compact(rate) + ")";
        case "inverse" -> "1/t (k " + Numbers.compact(rate) + ")";
        default -> "cosine (to " + Numbers.compact(min) + ")";
      };
      return warmup > 0 ? s + " after " + Numbers.compact(warmup) + " warm-up epochs" : s;
    }
  }
}
