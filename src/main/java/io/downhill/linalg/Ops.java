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

}
