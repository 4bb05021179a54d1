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
