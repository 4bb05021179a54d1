package io.downhill.model;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The architecture of a model: {@code inputs} (d), the hidden layer widths (empty for a linear
 * model), {@code outputs} (k, or 1 for a binary logistic head), the hidden activation and the
 * dropout probability after each hidden activation.
 */
public record ModelSpec(int inputs, List<Integer> hidden, int outputs, Activation.Kind activation, double dropout)
    implements Serializable {

  public ModelSpec {
    hidden = List.copyOf(hidden);
    if (inputs <= 0 || outputs <= 0) {
      throw new IllegalArgumentException("model needs positive inputs and outputs, got " + inputs + " and " + outputs);
    }
    for (int h : hidden) {
      if (h <= 0) {
        throw new IllegalArgumentException("hidden layer widths must be positive, got " + hidden);
      }
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + dropout);
    }
  }

  /** The linear score function {@code f(x) = Wx + b}. */
  public static ModelSpec linear(int inputs, int outputs) {
    return new ModelSpec(inputs, List.of(), outputs, Activation.Kind.RELU, 0.0);
  }

  /** A fully connected network: dense, activation[, dropout] per hidden layer, then a dense head. */
  public static ModelSpec mlp(int inputs, List<Integer> hidden, int outputs, Activation.Kind activation, double dropout) {
    return new ModelSpec(inputs, hidden, outputs, activation, dropout);
  }

  /** Weights and biases of every layer, counted in a long (a layout holds at most 2^31 - 9). */
  public long parameterCount() {
    long count = 0;
    int in = inputs;
    for (int h : hidden) {
      count += (long) in * h + h;
      in = h;
    }
    return count + (long) in * outputs + outputs;
  }

  /**
   * Refuses, before anything is allocated, a model whose θ cannot be an array or whose training
   * state (θ, the gradient, up to two optimizer moments, the broadcast copy and the best weights
   * kept: {@link #TRAINING_COPIES} arrays of doubles) would not fit in {@code maxBytes} of heap.
   */
  public void checkFits(String where, long maxBytes) {
    long count = parameterCount();
    long need = count * 8 * TRAINING_COPIES;
    if (count > Integer.MAX_VALUE - 8 || need > maxBytes) {
      long most = Math.min(Integer.MAX_VALUE - 8, maxBytes / 8 / TRAINING_COPIES);
      throw io.downhill.BadInputException.of(where, "model too large for the driver",
          "at most " + most + " parameters (" + (maxBytes >> 20) + " MB of driver heap; raise spark.driver.memory "
              + "or DOWNHILL_JAVA_OPTS=-Xmx...)", count + " parameters (" + describe() + ")");
    }
  }

  /** Arrays of θ's size training keeps at once (see {@link #checkFits}). */
  public static final int TRAINING_COPIES = 6;

  public boolean isLinear() {
    return hidden.isEmpty();
  }

  /** e.g. "784-10" or "784-256-128-10". */
  public String shape() {
    return inputs + "-" + (hidden.isEmpty() ? "" : hidden.stream().map(String::valueOf).collect(Collectors.joining("-")) + "-")
        + outputs;
  }

  /** e.g. "linear 784-10" or "mlp 784-256-10 (relu, dropout 0.2)". */
  public String describe() {
    if (isLinear()) {
      return "linear " + shape();
    }
    return "mlp " + shape() + " (" + activation.label() + (dropout > 0 ? ", dropout " + dropout : "") + ")";
  }
}
