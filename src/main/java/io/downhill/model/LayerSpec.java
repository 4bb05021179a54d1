package io.downhill.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/**
 * One entry of a {@link ModelSpec}'s layer list: an immutable description (a dense layer of 256
 * units, a ReLU, dropout 0.2) that builds its {@link Layer} and declares the layer's parameter
 * slices. A kind of layer is a class implementing this (by habit a record nested in its layer
 * class, with a static {@code read(JsonNode)}) and one line in {@link LayerKinds}.
 */
public interface LayerSpec extends Serializable {

  /** The kind's name in model files, registered in {@link LayerKinds}: "dense", "activation" ... */
  String kind();

  /** The width of its output for {@code inputs} values per row. */
  int outputs(int inputs);

  /** How many values its slices take in θ for {@code inputs} values per row (checked before θ exists). */
  default long parameterCount(int inputs) {
    return 0;
  }

  /** Declares its slices in {@code slices} and returns the layer, reading {@code inputs} values per row. */
  Layer build(int inputs, Slices slices);

  /** Writes its settings (all but the kind) into {@code json}, as its {@code read} reads them back. */
  void write(ObjectNode json);
}
