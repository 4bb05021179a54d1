package io.downhill.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The architecture of a model: {@code inputs} (d), the list of hidden layers (empty for a linear
 * model), and {@code outputs} (k, or 1 for a binary logistic head): the width of the dense head
 * that ends every model. {@link Model#of} builds the chain, asking each {@link LayerSpec} for its
 * layer and its parameter slices.
 *
 * <p>The accessors {@link #hidden}, {@link #activation}, {@link #batchNorm} and {@link #dropout}
 * read the list the way {@link #mlp} writes it: dense[, batch norm], activation[, batch norm][, dropout]
 * per hidden layer.
 */
public record ModelSpec(int inputs, List<LayerSpec> layers, int outputs) implements Serializable {

  public ModelSpec {
    layers = List.copyOf(layers);
    if (inputs <= 0 || outputs <= 0) {
      throw new IllegalArgumentException("model needs positive inputs and outputs, got " + inputs + " and " + outputs);
    }
  }

  /** The linear score function {@code f(x) = Wx + b}. */
  public static ModelSpec linear(int inputs, int outputs) {
    return new ModelSpec(inputs, List.of(), outputs);
  }

  /** {@link #mlp(int, List, int, String, double, BatchNorm.Placement)} without batch normalization. */
  public static ModelSpec mlp(int inputs, List<Integer> hidden, int outputs, String activation, double dropout) {
    return mlp(inputs, hidden, outputs, activation, dropout, BatchNorm.Placement.NONE);
  }

  /**
   * A fully connected network: per hidden layer dense, activation, batch normalization before or
   * after the activation (as {@code batchNorm} says) and (when {@code dropout > 0}) dropout, then the
   * dense head; with no hidden layers, the linear model.
   */
  public static ModelSpec mlp(int inputs, List<Integer> hidden, int outputs, String activation, double dropout,
      BatchNorm.Placement batchNorm) {
    String function = Activations.of(activation).name();
    List<LayerSpec> layers = new ArrayList<>();
    for (int h : hidden) {
      layers.add(new DenseLayer.Spec(h));
      if (batchNorm == BatchNorm.Placement.BEFORE) {
        layers.add(new BatchNorm.Spec());
      }
      layers.add(new Activation.Spec(function));
      if (batchNorm == BatchNorm.Placement.AFTER) {
        layers.add(new BatchNorm.Spec());
      }
      if (dropout != 0) {
        layers.add(new Dropout.Spec(dropout));
      }
    }
    return new ModelSpec(inputs, layers, outputs);
  }

  /** The hidden layers, then the dense head of {@code outputs} units. */
  public List<LayerSpec> chain() {
    List<LayerSpec> chain = new ArrayList<>(layers);
    chain.add(new DenseLayer.Spec(outputs));
    return chain;
  }

  /** The widths of the hidden dense layers. */
  public List<Integer> hidden() {
    return layers.stream().filter(l -> l instanceof DenseLayer.Spec).map(l -> ((DenseLayer.Spec) l).units()).toList();
  }

  /** The hidden activation's name (the first activation layer's); "none" for a linear model. */
  public String activation() {
    return layers.stream().filter(l -> l instanceof Activation.Spec).map(l -> ((Activation.Spec) l).function())
        .findFirst().orElse("none");
  }

  /** Where the hidden layers are batch-normalized: before or after the (first) activation, or none. */
  public BatchNorm.Placement batchNorm() {
    for (LayerSpec layer : layers) {
      if (layer instanceof BatchNorm.Spec) {
        return BatchNorm.Placement.BEFORE;
      }
      if (layer instanceof Activation.Spec) {
        return layers.stream().anyMatch(l -> l instanceof BatchNorm.Spec) ? BatchNorm.Placement.AFTER
            : BatchNorm.Placement.NONE;
      }
    }
    return BatchNorm.Placement.NONE;
  }

  /** The dropout probability (the first dropout layer's); 0 without dropout. */
  public double dropout() {
    return layers.stream().filter(l -> l instanceof Dropout.Spec).mapToDouble(l -> ((Dropout.Spec) l).p())
        .findFirst().orElse(0.0);
  }

  /** The same architecture without its dropout layers: the same θ, as prediction runs it. */
  public ModelSpec withoutDropout() {
    return new ModelSpec(inputs, layers.stream().filter(l -> !(l instanceof Dropout.Spec)).toList(), outputs);
  }

  /** The values of every layer's slices, counted in a long (a layout holds at most 2^31 - 9). */
  public long parameterCount() {
    long count = 0;
    int in = inputs;
    for (LayerSpec layer : chain()) {
      count += layer.parameterCount(in);
      in = layer.outputs(in);
    }
    return count;
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
    return layers.isEmpty();
  }

  /** e.g. "784-10" or "784-256-128-10". */
  public String shape() {
    List<Integer> hidden = hidden();
    return inputs + "-" + (hidden.isEmpty() ? "" : hidden.stream().map(String::valueOf).collect(Collectors.joining("-")) + "-")
        + outputs;
  }

  /** e.g. "linear 784-10" or "mlp 784-256-10 (relu, batch norm before it, dropout 0.2)". */
  public String describe() {
    if (isLinear()) {
      return "linear " + shape();
    }
    double dropout = dropout();
    BatchNorm.Placement norm = batchNorm();
    return "mlp " + shape() + " (" + activation()
        + (norm == BatchNorm.Placement.NONE ? "" : ", batch norm " + norm.label() + " it")
        + (dropout > 0 ? ", dropout " + dropout : "") + ")";
  }
}
