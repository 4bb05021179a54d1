package io.downhill.model;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Ops;
import java.util.Locale;

/**
 * An element-wise non-linearity {@code a = f(z)} after a hidden dense layer.
 * <pre>
 *   relu         f(z) = max(0, z)              f'(z) = 1[z > 0]
 *   leaky-relu   f(z) = z > 0 ? z : 0.01·z     f'(z) = z > 0 ? 1 : 0.01
 *   tanh         f(z) = tanh(z)                f'(z) = 1 - f(z)²
 * </pre>
 * backward: {@code dZ = dA ⊙ f'(z)}. ReLU and leaky ReLU have a kink at 0 ({@link #piece}).
 */
public final class Activation implements Layer {
  private static final long serialVersionUID = 1L;

  /** The three functions. */
  public enum Kind {
    RELU, LEAKY_RELU, TANH;

    public static Kind parse(String name) {
      return switch (name.toLowerCase(Locale.ROOT).replace('_', '-')) {
        case "relu" -> RELU;
        case "leaky-relu", "leakyrelu", "leaky" -> LEAKY_RELU;
        case "tanh" -> TANH;
        default -> throw new IllegalArgumentException("unknown activation '" + name + "'; expected relu, leaky-relu or tanh");
      };
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The slope of leaky ReLU for negative inputs. */
  public static final double LEAKY_SLOPE = 0.01;

  private final Kind kind;
  private final int width;

  public Activation(Kind kind, int width) {
    this.kind = kind;
    this.width = width;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public int inputs() {
    return width;
  }

  @Override
  public int outputs() {
    return width;
  }

  @Override
  public void forward(Buf params, Buf z, int zOff, int n, Buf a, Pass pass) {
    int len = n * width;
    switch (kind) {
      case RELU -> Ops.leakyRelu(z, zOff, a, len, 0.0);
      case LEAKY_RELU -> Ops.leakyRelu(z, zOff, a, len, LEAKY_SLOPE);
      case TANH -> Ops.tanh(z, zOff, a, len);
    }
  }

  @Override
  public void backward(Buf params, Buf z, int zOff, Buf a, Buf dA, int n, Buf grad, Buf dZ, Pass pass) {
    if (dZ == null) {
      return;
    }
    int len = n * width;
    switch (kind) {
      case RELU -> Ops.leakyReluBackward(z, zOff, dA, dZ, len, 0.0);
      case LEAKY_RELU -> Ops.leakyReluBackward(z, zOff, dA, dZ, len, LEAKY_SLOPE);
      case TANH -> Ops.tanhBackward(a, dA, dZ, len);
    }
  }

  @Override
  public long piece(Buf z, int zOff, int n) {
    return kind == Kind.TANH ? 0L : Ops.positivePattern(z, zOff, n * width);
  }
}
