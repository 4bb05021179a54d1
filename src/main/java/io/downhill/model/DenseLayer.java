package io.downhill.model;

import io.downhill.linalg.Blas;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.linalg.SparseOps;
import io.downhill.linalg.Ops;

/**
 * Fully connected: {@code Z = A·W + b}, with {@code W} stored {@code in x out} at {@code wOff}
 * and {@code b} ({@code out}) at {@code bOff} in the flat parameters.
 *
 * <pre>
 *   forward:   Z(n x out)  = A(n x in) · W(in x out) + 1·bᵀ
 *   backward:  dW(in x out) += Aᵀ(in x n) · dZ(n x out)
 *              db(out)      += Σ_rows dZ
 *              dA(n x in)   = dZ(n x out) · Wᵀ(out x in)
 * </pre>
 */
public final class DenseLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final int in;
  private final int out;
  private final int wOff;
  private final int bOff;

  public DenseLayer(int in, int out, int wOff, int bOff) {
    this.in = in;
    this.out = out;
    this.wOff = wOff;
    this.bOff = bOff;
  }

  @Override
  public int inputs() {
    return in;
  }

  @Override
  public int outputs() {
    return out;
  }

  public int weightOffset() {
    return wOff;
  }

  public int biasOffset() {
    return bOff;
  }

  @Override
  public void forward(Buf params, Buf a, int aOff, int n, Buf z, Pass pass) {
    Blas.gemm(false, false, n, out, in, 1.0, a, aOff, params, wOff, 0.0, z, 0); // Z(n x out) = A·W
    Ops.addRowVector(z, n, out, params, bOff);
  }

  /** The same on sparse input (the first layer over wide data): {@code Z(n x out) = A·W + b}, A in CSR. */
  public void forward(Buf params, Csr a, Buf z) {
    SparseOps.times(a, params, wOff, out, z); // Z(n x out) = A·W, O(nnz·out)
    Ops.addRowVector(z, a.rows(), out, params, bOff);
  }

  /** The gradient on sparse input: {@code dW += Aᵀ·dZ} (only rows of features present), {@code db += Σ dZ}. */
  public void backward(Csr a, Buf dZ, Buf grad) {
    SparseOps.transposeTimesAdd(a, dZ, out, grad, wOff);
    Ops.addColumnSums(dZ, a.rows(), out, grad, bOff);
  }

  @Override
  public void backward(Buf params, Buf a, int aOff, Buf z, Buf dZ, int n, Buf grad, Buf dA, Pass pass) {
    Blas.gemm(true, false, in, out, n, 1.0, a, aOff, dZ, 0, 1.0, grad, wOff); // dW(in x out) += Aᵀ·dZ
    Ops.addColumnSums(dZ, n, out, grad, bOff);
    if (dA != null) {
      Blas.gemm(false, true, n, in, out, 1.0, dZ, 0, params, wOff, 0.0, dA, 0); // dA(n x in) = dZ·Wᵀ
    }
  }
}
