package io.downhill.model;

import io.downhill.linalg.Buf;
import java.io.Serializable;

/**
 * One stage of a {@link Model}, with its forward and backward pass side by side.
 * Activations are {@code n x inputs()} in and {@code n x outputs()} out, row-major.
 */
public interface Layer extends Serializable {
  int inputs();

  int outputs();

  /** {@code out = layer(in)} over {@code n} rows; {@code in} starts at {@code inOff}, {@code out} at 0. */
  void forward(Buf params, Buf in, int inOff, int n, Buf out, Pass pass);

  /**
   * Given {@code dOut = dL/d(out)}, adds {@code dL/d(params)} into {@code grad} and writes
   * {@code dIn = dL/d(in)} when {@code dIn} is not null. {@code in} and {@code out} are the
   * buffers of the matching forward pass, made with the same {@code pass}.
   */
  void backward(Buf params, Buf in, int inOff, Buf out, Buf dOut, int n, Buf grad, Buf dIn, Pass pass);

  /**
   * Identifies the linear piece this layer is on for input {@code in} (a ReLU: which inputs are
   * positive); 0 for smooth layers. Gradient checks skip probes that straddle a kink.
   */
  default long piece(Buf in, int inOff, int n) {
    return 0L;
  }
}
