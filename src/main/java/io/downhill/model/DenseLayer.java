package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.linalg.Blas;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.linalg.Ops;
import io.downhill.linalg.SparseOps;

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

  /**
   * A dense layer of {@code units} outputs. It starts a block of slices ({@link Slices}): its
   * weights {@code W} ({@code in x units}, {@link ParameterLayout.Role#WEIGHT}) and biases
   * {@code b} ({@code 1 x units}, {@link ParameterLayout.Role#BIAS}).
   */
  public record Spec(int units) implements LayerSpec {
    public static final String KIND = "dense";

    public Spec {
      if (units <= 0) {
        throw new IllegalArgumentException("layer widths must be positive, found " + units);
      }
    }

    static Spec read(JsonNode json) {
      return new Spec(json.path("units").asInt());
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public int outputs(int inputs) {
      return units;
    }

    @Override
    public long parameterCount(int inputs) {
      return (long) inputs * units + units;
    }

    @Override
    public Layer build(int inputs, Slices slices) {
      slices.nextBlock();
      int w = slices.add("W", inputs, units, ParameterLayout.Role.WEIGHT);
      int b = slices.add("b", 1, units, ParameterLayout.Role.BIAS);
      return new DenseLayer(inputs, units, w, b);
    }

    @Override
    public void write(ObjectNode json) {
      json.put("units", units);
    }
  }

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
