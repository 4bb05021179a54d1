package io.downhill.train;

import io.downhill.BadInputException;
import io.downhill.loss.Losses;
import io.downhill.model.Activations;
import io.downhill.model.Initializer;
import io.downhill.model.ModelSpec;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * The model settings of a run: which head (loss), which hidden layers, and how weights start.
 *
 * @param loss       softmax, svm or logistic
 * @param hidden     hidden layer widths; empty for the linear model ({@code --hidden})
 * @param activation hidden non-linearity ({@code --activation}), by its canonical name in {@link Activations}
 * @param dropout    inverted-dropout probability after each hidden activation ({@code --dropout}), in [0, 1)
 * @param init       gaussian, xavier, he, or auto: gaussian for linear models, he for networks ({@code --init})
 * @param initScale  σ of the gaussian initializer ({@code --init-scale})
 */
public record ModelConfig(String loss, List<Integer> hidden, String activation, double dropout, String init,
    double initScale) implements Serializable {

  public ModelConfig {
    loss = loss.toLowerCase(Locale.ROOT);
    try {
      Losses.parse(loss);
    } catch (IllegalArgumentException e) {
      throw BadInputException.of("--loss", "unknown loss", Losses.expected(), "'" + loss + "'");
    }
    try {
      activation = Activations.of(activation).name();
    } catch (IllegalArgumentException e) {
      throw BadInputException.of("--activation", "unknown activation", Activations.expected(), "'" + activation + "'");
    }
    hidden = List.copyOf(hidden);
    for (int h : hidden) {
      if (h < 1) {
        throw BadInputException.of("--hidden", "invalid hidden layer width", "positive integers, e.g. 256,128",
            hidden.toString());
      }
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw BadInputException.of("--dropout", "invalid dropout probability", "a number in [0, 1)", Double.toString(dropout));
    }
    if (dropout > 0 && hidden.isEmpty()) {
      throw BadInputException.of("--dropout", "dropout needs hidden layers", "--model mlp --hidden ...", "a linear model");
    }
    init = init.toLowerCase(Locale.ROOT);
    if (!List.of("auto", "gaussian", "xavier", "he").contains(init)) {
      throw BadInputException.of("--init", "unknown initializer", "auto, gaussian, xavier or he", "'" + init + "'");
    }
    if (!(initScale >= 0) || Double.isInfinite(initScale)) {
      throw BadInputException.of("--init-scale", "invalid initial weight scale", "a finite number >= 0",
          Double.toString(initScale));
    }
  }

  /** A linear model with this loss, initialized with 0.01·N(0,1). */
  public static ModelConfig linear(String loss) {
    return new ModelConfig(loss, List.of(), "relu", 0.0, "auto", 0.01);
  }

  public boolean isLinear() {
    return hidden.isEmpty();
  }

  /** The architecture for {@code d} inputs and {@code k} classes. */
  public ModelSpec spec(int d, int k) {
    int outputs = Losses.parse(loss).outputs(k);
    return isLinear() ? ModelSpec.linear(d, outputs) : ModelSpec.mlp(d, hidden, outputs, activation, dropout);
  }

  /** The initializer; {@code auto} is the lecture's small Gaussian for linear models and He for networks. */
  public Initializer initializer() {
    return switch (init) {
      case "auto" -> isLinear() ? Initializer.gaussian(initScale) : Initializer.he();
      default -> Initializer.parse(init, initScale);
    };
  }
}
