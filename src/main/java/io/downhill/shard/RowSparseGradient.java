package io.downhill.shard;

import io.downhill.linalg.Buf;
import java.io.Serializable;

/**
 * A partition's minibatch gradient when its input is sparse and the first layer wide: the rows of
 * the first weight matrix {@code W (d x h)} that the batch touched (its distinct feature columns),
 * and every other parameter (biases, later layers) dense. On a sparse batch every other row of
 * {@code dW} is exactly zero ({@code dW = Aᵀ·dZ}), so nothing is lost: merged on the driver it adds
 * the same values to the same places as the dense gradient would, and the sums are bit-identical.
 *
 * <p>What it saves, per partition and step: a d·h gradient becomes |T|·h values plus |T| indices
 * (T: the touched rows), in the serialization on the executor, the transfer, the deserialization
 * on the driver and the merge. {@link #pays} decides per step.
 *
 * @param length  p, the whole gradient's length
 * @param wOff    offset of W in θ
 * @param width   h, W's columns
 * @param rows    touched rows of W, increasing
 * @param values  {@code rows.length x h} gradient rows, in compute precision as computed
 * @param rest    the gradient outside W: {@code [0, wOff)} then {@code [wOff + d·h, p)}
 */
public record RowSparseGradient(int length, int wOff, int width, int[] rows, Buf values, Buf rest)
    implements Serializable {

  /**
   * Whether sending {@code touched} rows (values plus a 4-byte index per row) is smaller than the
   * dense gradient by at least half: below that the dense path, which needs no index, is as good.
   */
  public static boolean pays(int touched, int width, int length, int valueBytes) {
    long sparse = (long) touched * (4 + (long) width * valueBytes);
    return 2 * sparse <= (long) length * valueBytes;
  }

  /**
   * Takes the touched rows and the rest out of the dense gradient {@code grad} and zeroes them
   * there, so {@code grad} is all zeros again afterwards (and the next step need not clear it).
   */
  public static RowSparseGradient extract(Buf grad, int length, int wOff, int d, int width, int[] rows) {
    Buf values = Buf.allocate(grad.precision(), rows.length * width);
    int wEnd = wOff + d * width;
    Buf rest = Buf.allocate(grad.precision(), length - (wEnd - wOff));
    for (int r = 0; r < rows.length; r++) {
      move(grad, wOff + rows[r] * width, values, r * width, width);
    }
    move(grad, 0, rest, 0, wOff);
    move(grad, wEnd, rest, wOff, length - wEnd);
    return new RowSparseGradient(length, wOff, width, rows, values, rest);
  }

  private static void move(Buf from, int at, Buf to, int into, int n) {
    if (from.f != null) {
      System.arraycopy(from.f, at, to.f, into, n);
      java.util.Arrays.fill(from.f, at, at + n, 0f);
    } else {
      System.arraycopy(from.d, at, to.d, into, n);
      java.util.Arrays.fill(from.d, at, at + n, 0.0);
    }
  }

  /** {@code sum += this}, widening to double ({@code sum} has {@link #length} values). */
  public void addTo(double[] sum) {
    if (sum.length != length) {
      throw new IllegalStateException("gradient sizes differ: " + sum.length + " vs " + length);
    }
    for (int r = 0; r < rows.length; r++) {
      add(values, r * width, sum, wOff + rows[r] * width, width);
    }
    int wEnd = length - (rest.length() - wOff);
    add(rest, 0, sum, 0, wOff);
    add(rest, wOff, sum, wEnd, length - wEnd);
  }

  private static void add(Buf from, int at, double[] sum, int into, int n) {
    if (from.f != null) {
      for (int i = 0; i < n; i++) {
        sum[into + i] += from.f[at + i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        sum[into + i] += from.d[at + i];
      }
    }
  }
}
