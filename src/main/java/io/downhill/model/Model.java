package io.downhill.model;

import io.downhill.linalg.Buf;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A score function: a chain of layers over one flat parameter vector. Built from a
 * {@link ModelSpec}; the linear classifier is one {@link DenseLayer} ({@code W}, {@code b}).
 *
 * <p>Usage per minibatch: {@link #forward} writes every layer's output into the
 * {@link Workspace} and returns the scores ({@code n x k}); the caller fills
 * {@link Workspace#outputGradient()} with {@code dL/dscores} and calls {@link #backward}, which
 * adds {@code dL/dθ} into {@code grad}.
 */
public final class Model implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ModelSpec spec;
  private final List<Layer> layers;
  private final ParameterLayout layout;

  private Model(ModelSpec spec, List<Layer> layers, ParameterLayout layout) {
    this.spec = spec;
    this.layers = List.copyOf(layers);
    this.layout = layout;
  }

  public static Model of(ModelSpec spec) {
    ParameterLayout.Builder layout = ParameterLayout.builder();
    List<Layer> layers = new ArrayList<>();
    if (spec.isLinear()) {
      int w = layout.add("W", spec.inputs(), spec.outputs(), true);
      int b = layout.add("b", 1, spec.outputs(), false);
      layers.add(new DenseLayer(spec.inputs(), spec.outputs(), w, b));
    } else {
      throw new UnsupportedOperationException("hidden layers are not supported yet: " + spec.shape());
    }
    return new Model(spec, layers, layout.build());
  }

  public ModelSpec spec() {
    return spec;
  }

  public List<Layer> layers() {
    return layers;
  }

  public ParameterLayout layout() {
    return layout;
  }

  public int inputs() {
    return spec.inputs();
  }

  public int outputs() {
    return spec.outputs();
  }

  /** Scores {@code (n x k)} of {@code n} rows of {@code x} starting at {@code xOff}; a buffer of {@code ws}. */
  public Buf forward(Buf params, Buf x, int xOff, int n, Workspace ws) {
    ws.ensure(this, x.precision(), n);
    Buf in = x;
    int inOff = xOff;
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).forward(params, in, inOff, n, ws.outs[i]);
      in = ws.outs[i];
      inOff = 0;
    }
    return in;
  }

  /**
   * Back-propagates {@code ws.outputGradient()} through the layers of the last {@link #forward}
   * on the same rows, adding {@code dL/dθ} into {@code grad}.
   */
  public void backward(Buf params, Buf x, int xOff, int n, Buf grad, Workspace ws) {
    for (int i = layers.size() - 1; i >= 0; i--) {
      Buf in = i == 0 ? x : ws.outs[i - 1];
      int inOff = i == 0 ? xOff : 0;
      Buf dIn = i == 0 ? null : ws.douts[i - 1];
      layers.get(i).backward(params, in, inOff, ws.outs[i], ws.douts[i], n, grad, dIn);
    }
  }
}
