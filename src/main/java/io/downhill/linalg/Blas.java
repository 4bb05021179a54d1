package io.downhill.linalg;

import dev.ludovic.netlib.blas.BLAS;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row-major GEMM over netlib BLAS ({@code dev.ludovic.netlib}, the BLAS Spark bundles).
 *
 * <p>netlib picks its implementation once per JVM: JNI to the system {@code libblas.so.3} when one
 * is installed (Debian: {@code libopenblas0-pthread}), otherwise a pure-Java fallback
 * ({@code VectorBLAS} with the incubator vector module, else {@code Java11BLAS}), silently. The
 * first use in every JVM (driver and each executor) logs which one loaded; {@link #describe()}
 * says it in words for summaries.
 *
 * <p>BLAS is column-major; a row-major matrix is its transpose seen column-major, so
 * {@code C = op(A)·op(B)} row-major is computed as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} column-major.
 */
public final class Blas {
  private static final Logger LOG = LoggerFactory.getLogger(Blas.class);
  private static final BLAS BLAS = load();

  private Blas() {}

  private static BLAS load() {
    BLAS blas = dev.ludovic.netlib.blas.BLAS.getInstance();
    LOG.info("BLAS: {}", describe(blas));
    return blas;
  }

  /** The implementation's class name: JNIBLAS (native), VectorBLAS or Java11BLAS (pure Java). */
  public static String implementation() {
    return BLAS.getClass().getSimpleName();
  }

  /** True when netlib reached a native library through JNI. */
  public static boolean isNative() {
    return implementation().equals("JNIBLAS");
  }

  /** e.g. "JNIBLAS -> /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3". */
  public static String describe() {
    return describe(BLAS);
  }

  private static String describe(BLAS blas) {
    String name = blas.getClass().getSimpleName();
    if (!name.equals("JNIBLAS")) {
      return name + " (pure Java fallback: no system libblas.so.3 was loadable)";
    }
    for (String candidate : new String[] {
        "/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3",
        "/usr/lib64/libblas.so.3", "/usr/lib/libblas.so.3"}) {
      Path path = Path.of(candidate);
      if (Files.exists(path)) {
        try {
          return name + " -> " + path.toRealPath();
        } catch (java.io.IOException e) {
          return name + " -> " + path;
        }
      }
    }
    return name + " (native)";
  }

  /**
   * Row-major {@code C(m x n) = alpha · op(A) · op(B) + beta · C}, where {@code op(A)} is
   * {@code m x k} (A stored {@code m x k}, or {@code k x m} when {@code transA}) and
   * {@code op(B)} is {@code k x n} (B stored {@code k x n}, or {@code n x k} when {@code transB}).
   * All three buffers must have the same precision.
   */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
      Buf a, int aOff, Buf b, int bOff, double beta, Buf c, int cOff) {
    if (m == 0 || n == 0) {
      return;
    }
    int lda = Math.max(1, transA ? m : k);
    int ldb = Math.max(1, transB ? k : n);
    String ta = transA ? "T" : "N";
    String tb = transB ? "T" : "N";
    if (c.f != null) {
      BLAS.sgemm(tb, ta, n, m, k, (float) alpha, b.f, bOff, ldb, a.f, aOff, lda, (float) beta, c.f, cOff, n);
    } else {
      BLAS.dgemm(tb, ta, n, m, k, alpha, b.d, bOff, ldb, a.d, aOff, lda, beta, c.d, cOff, n);
    }
  }

  /** Sum of squares of {@code x[0..n)}, in double (via BLAS ddot on the double array). */
  public static double sumOfSquares(double[] x, int offset, int n) {
    return n == 0 ? 0.0 : BLAS.ddot(n, x, offset, 1, x, offset, 1);
  }

  /** {@code y += alpha · x} over {@code n} doubles. */
  public static void axpy(int n, double alpha, double[] x, int xOff, double[] y, int yOff) {
    if (n > 0) {
      BLAS.daxpy(n, alpha, x, xOff, 1, y, yOff, 1);
    }
  }

  /** {@code x *= alpha} over all of x. */
  public static void scal(double alpha, double[] x) {
    if (x.length > 0) {
      BLAS.dscal(x.length, alpha, x, 1);
    }
  }
}
