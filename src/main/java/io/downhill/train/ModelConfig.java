package io.downhill.train;

import io.downhill.loss.Losses;
import io.downhill.model.Activations;
import io.downhill.model.BatchNorm;
import io.downhill.model.Initializer;
import io.downhill.model.ModelSpec;
import java.io.Serializable;
import java.util.List;

/**
 * The model settings of a run: which head (loss), which hidden layers, and how weights start;
 * validated by the settings schema as part of a {@link TrainingConfig}.
 *
 * @param loss       softmax, svm or logistic
 * @param hidden     hidden layer widths; empty for the linear model ({@code hiddenLayers})
 * @param activation hidden non-linearity ({@code activation}), by its canonical name in {@link Activations}
 * @param dropout    inverted-dropout probability after each hidden activation ({@code dropout}), in [0, 1)
 * @param batchNorm  none, or batch normalization of each hidden layer before or after its activation ({@code batchNorm})
 * @param init       gaussian, xavier, he, or auto: gaussian for linear models, he for networks ({@code init})
 * @param initScale  σ of the gaussian initializer ({@code initScale})
 */
public record ModelConfig(String loss, List<Integer> hidden, String activation, double dropout, String batchNorm,
    String init, double initScale) implements Serializable {

  public ModelConfig {
    hidden = List.copyOf(hidden);
  }

  public boolean isLinear() {
    return hidden.isEmpty();
  }

  /** The architecture for {@code d} inputs and {@code k} classes. */
  public ModelSpec spec(int d, int k) {
    int outputs = Losses.parse(loss).outputs(k);
    return isLinear() ? ModelSpec.linear(d, outputs)
        : ModelSpec.mlp(d, hidden, outputs, activation, dropout, batchNormPlacement());
  }

  /** Where the hidden layers are batch-normalized (NONE for none). */
  public BatchNorm.Placement batchNormPlacement() {
    return BatchNorm.Placement.parse(batchNorm);
  }

  /** The initializer; {@code auto} is the lecture's small Gaussian for linear models and He for networks. */
  public Initializer initializer() {
    return switch (init) {
      case "auto" -> isLinear() ? Initializer.gaussian(initScale) : Initializer.he();
      default -> Initializer.parse(init, initScale);
    };
  }
}
