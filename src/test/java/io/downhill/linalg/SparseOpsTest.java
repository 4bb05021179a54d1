package io.downhill.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sparse products agree with dense GEMM on the same matrices (to float tolerance), at
 * densities from 0.1% to fully dense, in float32 and float64; the gradient touches only the rows
 * of features present in the batch.
 */
class SparseOpsTest {

  /** A random n x d matrix with about {@code density} of its entries non-zero. */
  private static Buf sparseDense(int n, int d, double density, Precision p, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Buf x = Buf.allocate(p, n * d);
    for (int i = 0; i < n * d; i++) {
      if (rng.nextDouble() < density) {
        x.set(i, rng.nextDouble() * 2 - 1);
      }
    }
    return x;
  }

  private static double maxDiff(Buf a, Buf b, int length) {
    double m = 0;
    for (int i = 0; i < length; i++) {
      m = Math.max(m, Math.abs(a.get(i) - b.get(i)));
    }
    return m;
  }

  @ParameterizedTest(name = "density {0}, {1}")
  @CsvSource({"0.001, FLOAT32", "0.01, FLOAT32", "0.1, FLOAT32", "0.5, FLOAT32", "1.0, FLOAT32",
      "0.001, FLOAT64", "0.01, FLOAT64", "0.1, FLOAT64", "0.5, FLOAT64", "1.0, FLOAT64"})
  void sparseProductsEqualDenseGemm(double density, Precision p) {
    int n = 37;
    int d = 300;
    int h = 11;
    Buf dense = sparseDense(n, d, density, p, 7);
    Csr a = Csr.fromDense(dense, n, d);
    assertEquals(dense.length(), a.toDense().length());
    assertEquals(0.0, maxDiff(dense, a.toDense(), n * d), "round trip");
    int wOff = 5; // W inside a larger parameter vector, as in a model
    Buf w = sparseDense(1, wOff + d * h, 1.0, p, 8);
    double tol = p == Precision.FLOAT32 ? 1e-5 : 1e-12;

    Buf zDense = Buf.allocate(p, n * h);
    Blas.gemm(false, false, n, h, d, 1.0, dense, 0, w, wOff, 0.0, zDense, 0);
    Buf zSparse = Buf.allocate(p, n * h);
    zSparse.set(0, 123); // overwritten, not added to
    SparseOps.times(a, w, wOff, h, zSparse);
    assertTrue(maxDiff(zDense, zSparse, n * h) <= tol, "forward: " + maxDiff(zDense, zSparse, n * h));

    Buf dZ = sparseDense(n, h, 1.0, p, 9);
    int gOff = 3;
    Buf gDense = sparseDense(1, gOff + d * h, 1.0, p, 10); // accumulates onto what is there
    Buf gSparse = Buf.allocate(p, gOff + d * h);
    for (int i = 0; i < gOff + d * h; i++) {
      gSparse.set(i, gDense.get(i));
    }
    Blas.gemm(true, false, d, h, n, 1.0, dense, 0, dZ, 0, 1.0, gDense, gOff);
    SparseOps.transposeTimesAdd(a, dZ, h, gSparse, gOff);
    assertTrue(maxDiff(gDense, gSparse, gOff + d * h) <= tol, "gradient: " + maxDiff(gDense, gSparse, gOff + d * h));
  }

  @Test
  void theGradientTouchesOnlyFeaturesInTheBatchAndGatherKeepsRows() {
    int n = 4;
    int d = 10;
    Buf dense = Buf.allocate(Precision.FLOAT32, n * d);
    dense.set(0 * d + 2, 1.5);
    dense.set(1 * d + 7, -2);
    dense.set(3 * d + 2, 0.5);
    dense.set(3 * d + 9, 4);
    Csr a = Csr.fromDense(dense, n, d);
    assertEquals(4, a.nonZeros());
    assertEquals(4L * 5 + 8L * 4, a.bytes());
    Buf dZ = Buf.allocate(Precision.FLOAT32, n * 3);
    for (int i = 0; i < n * 3; i++) {
      dZ.set(i, 1);
    }
    Buf grad = Buf.allocate(Precision.FLOAT32, d * 3);
    SparseOps.transposeTimesAdd(a, dZ, 3, grad, 0);
    for (int j = 0; j < d; j++) {
      boolean touched = j == 2 || j == 7 || j == 9;
      assertEquals(touched, grad.get(j * 3) != 0, "row " + j);
    }
    assertEquals(2.0, grad.get(2 * 3), 1e-6); // 1.5 + 0.5

    Csr batch = a.gather(new int[] {3, 1, 0, 2}, 0, 2); // rows 3 and 1
    Buf b = batch.toDense();
    assertEquals(2, batch.rows());
    assertEquals(0.5, b.get(2), 1e-7);
    assertEquals(4.0, b.get(9), 1e-7);
    assertEquals(-2.0, b.get(d + 7), 1e-7);
    assertEquals(3, batch.nonZeros());
  }

  @Test
  void invalidArraysAreRefused() {
    Buf v = Buf.allocate(Precision.FLOAT32, 2);
    assertThrows(IllegalArgumentException.class, () -> new Csr(2, 5, new int[] {0, 1}, new int[] {0, 1}, v));
    assertThrows(IllegalArgumentException.class, () -> new Csr(2, 5, new int[] {0, 1, 2}, new int[] {0, 5}, v));
    assertThrows(IllegalArgumentException.class, () -> new Csr(1, 5, new int[] {0, 2}, new int[] {3, 3}, v));
    assertThrows(IllegalArgumentException.class, () -> new Csr(2, 5, new int[] {0, 2, 1}, new int[] {0, 1}, v));
  }
}
