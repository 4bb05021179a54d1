package io.downhill.model;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Ops;

/** {@code f(z) = tanh(z)}, {@code f'(z) = 1 - f(z)²}: smooth, its derivative from the forward output. */
public final class Tanh implements ActivationFunction {
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return "tanh";
  }

  @Override
  public void forward(Buf z, int zOff, Buf a, int len) {
    Ops.tanh(z, zOff, a, len);
  }

  @Override
  public void backward(Buf z, int zOff, Buf a, Buf dA, Buf dZ, int len) {
    Ops.tanhBackward(a, dA, dZ, len);
  }
}
