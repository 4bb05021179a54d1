package io.downhill.model;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;

/**
 * Reused activation buffers of one thread: the output of every layer and its gradient, each
 * {@code n x outputs}. Grown on demand, never shrunk, so the steady state allocates nothing.
 */
public final class Workspace {
  Buf[] outs = new Buf[0];
  Buf[] douts = new Buf[0];

  /** Makes room for {@code n} rows of every layer of {@code model} in {@code precision}. */
  public void ensure(Model model, Precision precision, int n) {
    int layers = model.layers().size();
    if (outs.length != layers) {
      outs = new Buf[layers];
      douts = new Buf[layers];
    }
    for (int i = 0; i < layers; i++) {
      int length = Math.max(1, n) * model.layers().get(i).outputs();
      outs[i] = Buf.ensure(outs[i], precision, length);
      douts[i] = Buf.ensure(douts[i], precision, length);
    }
  }

  /** The gradient buffer of the model's output (fill it, then call backward). */
  /** Layer {@code i}'s output of the last forward pass (rows x the layer's width, row-major). */
  public Buf output(int i) {
    return outs[i];
  }

  public Buf outputGradient() {
    return douts[douts.length - 1];
  }
}
