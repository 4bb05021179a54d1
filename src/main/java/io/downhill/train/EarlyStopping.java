package io.downhill.train;

import io.downhill.shard.Evaluation;
import java.io.Serializable;

/**
 * Early stopping ({@code --early-stopping val_loss|val_accuracy|val_rmse --patience N}): after each
 * epoch, the validation metric is compared with the best so far; after {@code patience} epochs
 * without improvement training stops, and the weights of the best epoch are restored (and saved).
 * Validated, like every setting, by {@link TrainingConfig}.
 *
 * @param metric  none, val_loss (lower is better), val_accuracy (higher is better) or, for regression,
 *                val_rmse (lower is better)
 * @param patience epochs without improvement before stopping, >= 1
 */
public record EarlyStopping(String metric, int patience) implements Serializable {

  public boolean enabled() {
    return !metric.equals("none");
  }

  /** The metric of an epoch, oriented so that larger is better. */
  double score(EpochRecord epoch) {
    Evaluation val = epoch.validation();
    return switch (metric) {
      case "val_loss" -> -val.loss();
      case "val_rmse" -> -val.rmse();
      default -> val.accuracy();
    };
  }
}
