package io.downhill.model;

import io.downhill.linalg.Buf;
import java.io.Serializable;

/**
 * One stage of a {@link Model}, with its forward and backward pass side by side.
 * Activations are {@code n x inputs()} in and {@code n x outputs()} out, row-major.
 *
 * <p>A layer with non-trained state (a normalization's running mean and variance) keeps it in
 * STATE slices of θ and overrides the four state methods at the end; the defaults are those of a
 * layer without state. See the package documentation for who calls them.
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

  /** Values of batch statistics this layer adds up per training batch; 0 for a layer without state. */
  default int statsSize() {
    return 0;
  }

  /**
   * After a training forward pass over {@code n} rows of {@code in} at {@code params}: adds this
   * batch's statistics into {@code stats[off .. off + statsSize())}. Sums (a row count, Σx, Σx² ...),
   * never means, so the buffers of partitions merge by adding them.
   */
  default void accumulateStats(Buf params, Buf in, int inOff, int n, double[] stats, int off) {}

  /**
   * For a partition without rows in a training step: takes part in the totals over the step's batch
   * ({@link Pass#sums}) that this layer's forward pass (or, with {@code backward}, its backward pass
   * when it propagates a gradient) makes, with zeros, so that the partitions' calls stay in step.
   */
  default void joinTotals(Pass pass, boolean backward) {}

  /**
   * On the driver, once per step, with {@code stats} summed over every batch and partition of
   * the step: moves this layer's STATE slices of {@code theta} towards them (e.g. running mean
   * {@code ← m·mean + (1 - m)·Σx / rows}).
   */
  default void mergeStatsInPlace(double[] theta, double[] stats, int off) {}

  /** Writes the starting values of this layer's STATE slices into a fresh {@code theta} (a running variance of 1). */
  default void initStateInPlace(double[] theta) {}
}
