package io.downhill.linalg;

/**
 * The two products a linear model or an MLP's first layer needs when its input is sparse, with W
 * stored row-major {@code d x h} (row j: feature j's weights, contiguous):
 * <pre>
 *   forward:  Z(n x h)  = A(n x d, CSR) · W(d x h)       Z[i,:] = Σ_p v_p · W[j_p,:]
 *   gradient: dW(d x h) += Aᵀ · dZ(n x h)                dW[j_p,:] += v_p · dZ[i,:]
 * </pre>
 * Both cost {@code O(nnz · h)} and touch only the rows of W and dW whose features occur in the
 * batch, so a wide model's gradient is written only where it is non-zero.
 *
 * <p>Hand-written, not a library call: netlib (the BLAS Downhill uses) has no sparse routines,
 * and MLlib's sparse GEMM works on double {@code SparseMatrix} objects only; these loops read
 * float32 values and write straight into the model's buffers. Sums run in the buffers' precision,
 * as a dense GEMM in that precision would.
 */
public final class SparseOps {
  private SparseOps() {}

  /** {@code Z(n x h) = A·W}, overwriting Z from offset 0; W is {@code d x h} at {@code wOff} of {@code w}. */
  public static void times(Csr a, Buf w, int wOff, int h, Buf z) {
    int n = a.rows();
    int[] ptr = a.rowPtr();
    int[] idx = a.colIdx();
    Buf v = a.values();
    if (z.f != null) {
      float[] zf = z.f;
      java.util.Arrays.fill(zf, 0, n * h, 0f);
      for (int i = 0; i < n; i++) {
        int zi = i * h;
        for (int p = ptr[i]; p < ptr[i + 1]; p++) {
          float x = v.f != null ? v.f[p] : (float) v.d[p];
          int wj = wOff + idx[p] * h;
          if (w.f != null) {
            float[] wf = w.f;
            for (int c = 0; c < h; c++) {
              zf[zi + c] += x * wf[wj + c];
            }
          } else {
            double[] wd = w.d;
            for (int c = 0; c < h; c++) {
              zf[zi + c] += (float) (x * wd[wj + c]);
            }
          }
        }
      }
    } else {
      double[] zd = z.d;
      java.util.Arrays.fill(zd, 0, n * h, 0.0);
      for (int i = 0; i < n; i++) {
        int zi = i * h;
        for (int p = ptr[i]; p < ptr[i + 1]; p++) {
          double x = v.get(p);
          int wj = wOff + idx[p] * h;
          if (w.d != null) {
            double[] wd = w.d;
            for (int c = 0; c < h; c++) {
              zd[zi + c] += x * wd[wj + c];
            }
          } else {
            for (int c = 0; c < h; c++) {
              zd[zi + c] += x * w.f[wj + c];
            }
          }
        }
      }
    }
  }

  /** {@code dW(d x h) += Aᵀ·dZ}, dW at {@code gOff} of {@code grad}; only rows of features present in A change. */
  public static void transposeTimesAdd(Csr a, Buf dZ, int h, Buf grad, int gOff) {
    int n = a.rows();
    int[] ptr = a.rowPtr();
    int[] idx = a.colIdx();
    Buf v = a.values();
    for (int i = 0; i < n; i++) {
      int zi = i * h;
      for (int p = ptr[i]; p < ptr[i + 1]; p++) {
        int gj = gOff + idx[p] * h;
        if (grad.f != null && dZ.f != null) {
          float x = v.f != null ? v.f[p] : (float) v.d[p];
          float[] gf = grad.f;
          float[] df = dZ.f;
          for (int c = 0; c < h; c++) {
            gf[gj + c] += x * df[zi + c];
          }
        } else if (grad.d != null && dZ.d != null) {
          double x = v.get(p);
          double[] gd = grad.d;
          double[] dd = dZ.d;
          for (int c = 0; c < h; c++) {
            gd[gj + c] += x * dd[zi + c];
          }
        } else { // mixed precisions: not on the training path, kept for completeness
          double x = v.get(p);
          for (int c = 0; c < h; c++) {
            grad.set(gj + c, grad.get(gj + c) + x * dZ.get(zi + c));
          }
        }
      }
    }
  }
}
