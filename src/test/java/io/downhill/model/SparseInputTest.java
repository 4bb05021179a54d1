package io.downhill.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.linalg.Precision;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A model's forward pass and gradient on sparse (CSR) input equal those on the same rows stored
 * densely: linear and MLP (with dropout, same masks), densities 2% to 60%, float32 and float64.
 */
class SparseInputTest {

  @ParameterizedTest(name = "{0}, density {1}, {2}")
  @CsvSource({"linear, 0.02, FLOAT64", "linear, 0.6, FLOAT32", "mlp, 0.02, FLOAT32", "mlp, 0.3, FLOAT64",
      "mlp-dropout, 0.05, FLOAT32"})
  void sparseEqualsDense(String kind, double density, Precision p) {
    int n = 23;
    int d = 200;
    int k = 5;
    ModelSpec spec = switch (kind) {
      case "linear" -> ModelSpec.linear(d, k);
      case "mlp" -> ModelSpec.mlp(d, List.of(16, 8), k, "relu", 0.0);
      default -> ModelSpec.mlp(d, List.of(16), k, "relu", 0.3);
    };
    Model model = Model.of(spec);
    SplittableRandom rng = new SplittableRandom(17);
    Buf x = Buf.allocate(p, n * d);
    for (int i = 0; i < n * d; i++) {
      if (rng.nextDouble() < density) {
        x.set(i, rng.nextGaussian());
      }
    }
    Csr sparse = Csr.fromDense(x, n, d);
    int size = model.layout().size();
    Buf params = Buf.allocate(p, size);
    for (int i = 0; i < size; i++) {
      params.set(i, 0.2 * rng.nextGaussian());
    }
    Pass pass = Pass.training(99); // dropout masks depend on the seed, not on the storage
    double tol = p == Precision.FLOAT32 ? 2e-5 : 1e-12;

    Workspace wsDense = new Workspace();
    Workspace wsSparse = new Workspace();
    Buf dense = model.forward(params, x, 0, n, wsDense, pass);
    Buf fromCsr = model.forward(params, sparse, wsSparse, pass);
    assertTrue(maxDiff(dense, fromCsr, n * k) <= tol, "scores differ by " + maxDiff(dense, fromCsr, n * k));

    for (Workspace ws : new Workspace[] {wsDense, wsSparse}) {
      Buf g = ws.outputGradient();
      SplittableRandom r = new SplittableRandom(5);
      for (int i = 0; i < n * k; i++) {
        g.set(i, r.nextGaussian());
      }
    }
    Buf gradDense = Buf.allocate(p, size);
    Buf gradSparse = Buf.allocate(p, size);
    model.backward(params, x, 0, n, gradDense, wsDense, pass);
    model.backward(params, sparse, gradSparse, wsSparse, pass);
    assertTrue(maxDiff(gradDense, gradSparse, size) <= tol * 10, "gradients differ by " + maxDiff(gradDense, gradSparse, size));
  }

  private static double maxDiff(Buf a, Buf b, int length) {
    double m = 0;
    for (int i = 0; i < length; i++) {
      m = Math.max(m, Math.abs(a.get(i) - b.get(i)));
    }
    return m;
  }
}
