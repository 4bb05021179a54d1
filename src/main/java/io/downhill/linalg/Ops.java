package io.downhill.linalg;

/**
 * The element-wise kernels of the models, each with its float32 and float64 loop side by side
 * (see {@link Buf} for why). Matrices are row-major.
 */
public final class Ops {
  private Ops() {}

  /** {@code z[i, j] += bias[j]} for an {@code n x c} matrix z; bias read from {@code bOff}. */
  public static void addRowVector(Buf z, int n, int c, Buf bias, int bOff) {
    if (z.f != null) {
      float[] x = z.f;
      float[] b = bias.f;
      for (int i = 0, row = 0; i < n; i++, row += c) {
        for (int j = 0; j < c; j++) {
          x[row + j] += b[bOff + j];
        }
      }
    } else {
      double[] x = z.d;
      double[] b = bias.d;
      for (int i = 0, row = 0; i < n; i++, row += c) {
        for (int j = 0; j < c; j++) {
          x[row + j] += b[bOff + j];
        }
      }
    }
  }

  /** {@code out[oOff + j] += Σ_i z[i, j]} for an {@code n x c} matrix z (the bias gradient). */
  public static void addColumnSums(Buf z, int n, int c, Buf out, int oOff) {
    if (z.f != null) {
      float[] x = z.f;
      float[] o = out.f;
      for (int i = 0, row = 0; i < n; i++, row += c) {
        for (int j = 0; j < c; j++) {
          o[oOff + j] += x[row + j];
        }
      }
    } else {
      double[] x = z.d;
      double[] o = out.d;
      for (int i = 0, row = 0; i < n; i++, row += c) {
        for (int j = 0; j < c; j++) {
          o[oOff + j] += x[row + j];
        }
      }
    }
  }


  /** {@code out[i] = in[inOff + i]} for i in [0, len). */
  public static void copy(Buf in, int inOff, Buf out, int len) {
    if (in.f != null) {
      System.arraycopy(in.f, inOff, out.f, 0, len);
    } else {
      System.arraycopy(in.d, inOff, out.d, 0, len);
    }
  }

  /**
   * {@code a = z > 0 ? z : slope·z} (slope 0 is ReLU), computed as {@code max(z, slope·z)}, which
   * is the same for {@code 0 <= slope < 1}. Branch-free on purpose: the sign of z is a coin toss,
   * and a branch on it mispredicted half the time (this loop and its backward twin were most of the
   * non-GEMM time of a ReLU layer, measured).
   */
  public static void leakyRelu(Buf z, int zOff, Buf a, int len, double slope) {
    if (z.f != null) {
      float[] x = z.f;
      float[] y = a.f;
      float s = (float) slope;
      for (int i = 0; i < len; i++) {
        float v = x[zOff + i];
        y[i] = Math.max(v, s * v);
      }
    } else {
      double[] x = z.d;
      double[] y = a.d;
      for (int i = 0; i < len; i++) {
        double v = x[zOff + i];
        y[i] = Math.max(v, slope * v);
      }
    }
  }

  /**
   * {@code dZ = dA · (z > 0 ? 1 : slope)}, branch-free: the 0/1 step comes from z's sign bit (so
   * +0.0 counts as positive: at the kink itself any slope in [slope, 1] is a valid subgradient).
   * Written {@code dA·slope + dA·(1 - slope)·step}, which C2 vectorizes: the same value for ReLU
   * (slope 0) on finite dA, and 3x faster than {@code dA·(slope + (1 - slope)·step)}, which it did
   * not (12 against 36 µs for 128x100 floats, measured alone).
   */
  public static void leakyReluBackward(Buf z, int zOff, Buf dA, Buf dZ, int len, double slope) {
    if (z.f != null) {
      float[] x = z.f;
      float[] g = dA.f;
      float[] out = dZ.f;
      float s = (float) slope;
      float rise = 1f - s;
      for (int i = 0; i < len; i++) {
        float step = (~Float.floatToRawIntBits(x[zOff + i])) >>> 31; // 1 when the sign bit is clear
        out[i] = g[i] * s + g[i] * rise * step;
      }
    } else {
      double[] x = z.d;
      double[] g = dA.d;
      double[] out = dZ.d;
      double rise = 1.0 - slope;
      for (int i = 0; i < len; i++) {
        double step = (~Double.doubleToRawLongBits(x[zOff + i])) >>> 63;
        out[i] = g[i] * slope + g[i] * rise * step;
      }
    }
  }

  /** {@code a = tanh(z)}. */
  public static void tanh(Buf z, int zOff, Buf a, int len) {
    if (z.f != null) {
      for (int i = 0; i < len; i++) {
        a.f[i] = (float) Math.tanh(z.f[zOff + i]);
      }
    } else {
      for (int i = 0; i < len; i++) {
        a.d[i] = Math.tanh(z.d[zOff + i]);
      }
    }
  }

  /** {@code dZ = dA ⊙ (1 - a²)}, from the activation's output a = tanh(z). */
  public static void tanhBackward(Buf a, Buf dA, Buf dZ, int len) {
    if (a.f != null) {
      for (int i = 0; i < len; i++) {
        float y = a.f[i];
        dZ.f[i] = dA.f[i] * (1 - y * y);
      }
    } else {
      for (int i = 0; i < len; i++) {
        double y = a.d[i];
        dZ.d[i] = dA.d[i] * (1 - y * y);
      }
    }
  }

  /**
   * {@code out = in ⊙ mask / (1 - p)} with {@code mask_i = [u_i >= p]}, {@code u_i} the i-th
   * uniform draw of a {@code SplittableRandom(seed)}: the same seed gives the same mask.
   */
  public static void dropout(Buf in, int inOff, Buf out, int len, double p, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    double scale = 1.0 / (1.0 - p);
    if (in.f != null) {
      float s = (float) scale;
      for (int i = 0; i < len; i++) {
        out.f[i] = rng.nextDouble() >= p ? in.f[inOff + i] * s : 0f;
      }
    } else {
      for (int i = 0; i < len; i++) {
        out.d[i] = rng.nextDouble() >= p ? in.d[inOff + i] * scale : 0.0;
      }
    }
  }

  /** A hash of which of {@code z[zOff .. zOff+len)} are positive (the linear piece of a ReLU). */
  public static long positivePattern(Buf z, int zOff, int len) {
    long hash = 1469598103934665603L;
    for (int i = 0; i < len; i++) {
      hash = (hash ^ (z.get(zOff + i) > 0 ? 1 : 0)) * 1099511628211L;
    }
    return hash;
  }
}
