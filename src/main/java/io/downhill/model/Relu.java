package io.downhill.model;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Ops;

/** {@code f(z) = max(0, z)}, {@code f'(z) = 1[z > 0]}: a kink at 0. */
public final class Relu implements ActivationFunction {
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return "relu";
  }

  @Override
  public void forward(Buf z, int zOff, Buf a, int len) {
    Ops.leakyRelu(z, zOff, a, len, 0.0);
  }

  @Override
  public void backward(Buf z, int zOff, Buf a, Buf dA, Buf dZ, int len) {
    Ops.leakyReluBackward(z, zOff, dA, dZ, len, 0.0);
  }

  @Override
  public long piece(Buf z, int zOff, int len) {
    return Ops.positivePattern(z, zOff, len);
  }
}
