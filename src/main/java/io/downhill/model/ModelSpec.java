package io.downhill.model;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The architecture of a model: {@code inputs} (d), the hidden layer widths (empty for a linear
 * model) and {@code outputs} (k, or 1 for a binary logistic head).
 */
public record ModelSpec(int inputs, List<Integer> hidden, int outputs) implements Serializable {

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
  }

  /** The linear score function {@code f(x) = Wx + b}. */
  public static ModelSpec linear(int inputs, int outputs) {
    return new ModelSpec(inputs, List.of(), outputs);
  }

  public boolean isLinear() {
    return hidden.isEmpty();
  }

  /** e.g. "784-10" or "784-256-128-10". */
  public String shape() {
    return inputs + "-" + (hidden.isEmpty() ? "" : hidden.stream().map(String::valueOf).collect(Collectors.joining("-")) + "-")
        + outputs;
  }
}
