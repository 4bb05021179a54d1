package io.downhill.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlasTest {

  /** Naive row-major C = alpha·op(A)·op(B) + beta·C, the definition the wrapper must match. */
  private static double[] reference(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int aOff,
      double[] b, int bOff, double beta, double[] c0, int cOff) {
    double[] c = c0.clone();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int l = 0; l < k; l++) {
          double av = ta ? a[aOff + l * m + i] : a[aOff + i * k + l];
          double bv = tb ? b[bOff + j * k + l] : b[bOff + l * n + j];
          s += av * bv;
        }
        c[cOff + i * n + j] = alpha * s + beta * c0[cOff + i * n + j];
      }
    }
    return c;
  }

  private static double[] random(SplittableRandom rng, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rng.nextDouble() * 2 - 1;
    }
    return x;
  }

  @Test
  void rowMajorGemmMatchesDefinitionForEveryTransposeAndPrecision() {
    SplittableRandom rng = new SplittableRandom(7);
    int m = 5;
    int n = 3;
    int k = 4;
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        int aOff = 2;
        int bOff = 3;
        int cOff = 1;
        double[] a = random(rng, aOff + m * k);
        double[] b = random(rng, bOff + k * n);
        double[] c = random(rng, cOff + m * n);
        double[] expected = reference(ta, tb, m, n, k, 0.7, a, aOff, b, bOff, 0.3, c, cOff);

        Buf cd = Buf.wrap(c.clone());
        Blas.gemm(ta, tb, m, n, k, 0.7, Buf.wrap(a), aOff, Buf.wrap(b), bOff, 0.3, cd, cOff);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], cd.d[i], 1e-12, "double ta=" + ta + " tb=" + tb + " at " + i);
        }

        Buf af = Buf.allocate(Precision.FLOAT32, a.length);
        af.copyFrom(a, a.length);
        Buf bf = Buf.allocate(Precision.FLOAT32, b.length);
        bf.copyFrom(b, b.length);
        Buf cf = Buf.allocate(Precision.FLOAT32, c.length);
        cf.copyFrom(c, c.length);
        Blas.gemm(ta, tb, m, n, k, 0.7, af, aOff, bf, bOff, 0.3, cf, cOff);
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i], cf.f[i], 1e-5, "float ta=" + ta + " tb=" + tb + " at " + i);
        }
      }
    }
  }

  @Test
  void describesTheLoadedImplementation() {
    String impl = Blas.implementation();
    assertFalse(impl.isEmpty());
    assertEquals(impl.equals("JNIBLAS"), Blas.isNative());
    assertEquals(impl, Blas.describe().split(" ")[0]);
  }
}
