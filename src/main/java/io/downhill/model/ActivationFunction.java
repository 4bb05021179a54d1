package io.downhill.model;

import io.downhill.linalg.Buf;
import java.io.Serializable;

/**
 * The maths of an element-wise non-linearity {@code a = f(z)}, which an {@link Activation} layer
 * applies after a hidden dense layer: forward and backward side by side, and where it has kinks.
 * Stateless. A new function is a class implementing this and one line in {@link Activations}.
 */
public interface ActivationFunction extends Serializable {

  /** The canonical name configurations and model files carry, e.g. "relu". */
  String name();

  /** {@code a = f(z)} over {@code len} values: {@code z} from {@code zOff}, {@code a} from 0. */
  void forward(Buf z, int zOff, Buf a, int len);

  /** {@code dZ = dA ⊙ f'(z)} over {@code len} values; {@code a} holds the forward pass's {@code f(z)}. */
  void backward(Buf z, int zOff, Buf a, Buf dA, Buf dZ, int len);

  /**
   * Identifies the linear piece {@code z} is on (for ReLU: which values are positive); 0 for a
   * smooth function. Gradient checks skip probes that straddle a kink.
   */
  default long piece(Buf z, int zOff, int len) {
    return 0L;
  }
}
