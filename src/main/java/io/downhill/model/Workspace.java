package io.downhill.model;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import java.util.List;

/**
 * Reused activation buffers of one thread: the output of every layer and its gradient, each
 * {@code n x outputs}. Grown on demand, never shrunk, so the steady state allocates nothing.
 */
public final class Workspace {
  Buf[] outs = new Buf[0];
  Buf[] douts = new Buf[0];

  /** Makes room for {@code n} rows of every one of a model's {@code layers} in {@code precision}. */
  void ensure(List<Layer> layers, Precision precision, int n) {
    if (outs.length != layers.size()) {
      outs = new Buf[layers.size()];
      douts = new Buf[layers.size()];
    }
    for (int i = 0; i < layers.size(); i++) {
      int length = Math.max(1, n) * layers.get(i).outputs();
      outs[i] = Buf.ensure(outs[i], precision, length);
      douts[i] = Buf.ensure(douts[i], precision, length);
    }
  }

  /** Layer {@code i}'s output of the last forward pass (rows x the layer's width, row-major). */
  public Buf output(int i) {
    return outs[i];
  }

  /** The gradient buffer of the model's output (fill it, then call backward). */
  public Buf outputGradient() {
    return douts[douts.length - 1];
  }
}
