package io.downhill.bench;

import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.linalg.Blas;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What this machine can do at best: GEMM rates for the shapes Downhill runs, and one pass over the data. */
final class MachineLimits {
  private MachineLimits() {}

  /** One GEMM shape: row-major {@code op(A)(m x k) · B(k x n)}. */
  record Shape(int m, int k, int n, boolean transA) {
    String label() {
      return (transA ? "Aᵀ" : "A") + " (" + m + "x" + k + ")·(" + k + "x" + n + ")";
    }

    double flops() {
      return 2.0 * m * k * n;
    }
  }

  /** The best float32 GFLOP/s of one thread on {@code shape}, with {@code threads} threads running it at once. */
  static double gemmRate(Shape shape, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Double>> rates = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        rates.add(pool.submit(() -> singleRate(shape)));
      }
      double slowest = Double.MAX_VALUE;
      for (Future<Double> f : rates) {
        slowest = Math.min(slowest, f.get());
      }
      return slowest;
    } finally {
      pool.shutdown();
    }
  }

  private static double singleRate(Shape s) {
    SplittableRandom rng = new SplittableRandom(1);
    Buf a = random(s.m() * s.k(), rng);
    Buf b = random(s.k() * s.n(), rng);
    Buf c = Buf.allocate(Precision.FLOAT32, s.m() * s.n());
    int reps = (int) Math.max(5, 1.5e9 / s.flops());
    double best = 0;
    for (int trial = 0; trial < 5; trial++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        Blas.gemm(s.transA(), false, s.m(), s.n(), s.k(), 1.0, a, 0, b, 0, 0.0, c, 0);
      }
      best = Math.max(best, s.flops() * reps / ((System.nanoTime() - t0) / 1e9) / 1e9);
    }
    return best;
  }

  private static Buf random(int n, SplittableRandom rng) {
    Buf b = Buf.allocate(Precision.FLOAT32, n);
    for (int i = 0; i < n; i++) {
      b.f[i] = (float) (rng.nextDouble() - 0.5);
    }
    return b;
  }

  /** Rates of every shape, alone and with every core running it: "shape" -> {1 thread, all threads}. */
  static Map<String, double[]> gemmRates(List<Shape> shapes, int cores) throws Exception {
    Map<String, double[]> rates = new LinkedHashMap<>();
    for (Shape s : shapes) {
      rates.put(s.label(), new double[] {gemmRate(s, 1), gemmRate(s, cores)});
    }
    return rates;
  }

  /** Seconds to sum every float of the blocks once (the best of twenty): streaming the cached data. */
  static double dataPass(List<Shard> shards) {
    double best = Double.MAX_VALUE;
    double sink = 0;
    for (int trial = 0; trial < 20; trial++) {
      long t0 = System.nanoTime();
      for (Shard s : shards) {
        for (Block b : s.blocks()) {
          float[] x = b.x().f;
          // Eight independent sums: one running sum is bound by the add latency, not by memory.
          float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
          int i = 0;
          for (; i + 8 <= x.length; i += 8) {
            a0 += x[i];
            a1 += x[i + 1];
            a2 += x[i + 2];
            a3 += x[i + 3];
            a4 += x[i + 4];
            a5 += x[i + 5];
            a6 += x[i + 6];
            a7 += x[i + 7];
          }
          for (; i < x.length; i++) {
            a0 += x[i];
          }
          sink += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
        }
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    if (sink == 42.4242) {
      System.out.print(""); // keeps the sums from being optimized away
    }
    return best;
  }
}
