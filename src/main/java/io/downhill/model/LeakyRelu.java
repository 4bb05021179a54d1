package io.downhill.model;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Ops;

/**
 * {@code f(z) = z > 0 ? z : 0.01·z}, {@code f'(z) = z > 0 ? 1 : 0.01}: ReLU whose negative side
 * keeps a small slope, so a unit never stops learning; a kink at 0.
 */
public final class LeakyRelu implements ActivationFunction {
  private static final long serialVersionUID = 1L;

  /** The slope for negative inputs. */
  public static final double SLOPE = 0.01;

  @Override
  public String name() {
    return "leaky-relu";
  }

  @Override
  public void forward(Buf z, int zOff, Buf a, int len) {
    Ops.leakyRelu(z, zOff, a, len, SLOPE);
  }

  @Override
  public void backward(Buf z, int zOff, Buf a, Buf dA, Buf dZ, int len) {
    Ops.leakyReluBackward(z, zOff, dA, dZ, len, SLOPE);
  }

  @Override
  public long piece(Buf z, int zOff, int len) {
    return Ops.positivePattern(z, zOff, len);
  }
}
