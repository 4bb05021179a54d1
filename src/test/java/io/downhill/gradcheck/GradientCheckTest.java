package io.downhill.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradientCheckTest {

  /** f(θ) = Σ_i sin(θ_i) · θ_{i+1} (cyclic), with an analytic gradient that can be broken at one coordinate. */
  private static Objective cyclic(int p, int broken) {
    return new Objective() {
      @Override
      public int dimension() {
        return p;
      }

      @Override
      public double value(double[] t) {
        double f = 0;
        for (int i = 0; i < p; i++) {
          f += Math.sin(t[i]) * t[(i + 1) % p];
        }
        return f;
      }

      @Override
      public double valueAndGradient(double[] t, double[] g) {
        for (int i = 0; i < p; i++) {
          g[i] = Math.cos(t[i]) * t[(i + 1) % p] + Math.sin(t[(i - 1 + p) % p]);
        }
        if (broken >= 0) {
          g[broken] *= 1.001; // a 0.1% error at one coordinate
        }
        return value(t);
      }
    };
  }

  private static double[] point(int p) {
    double[] t = new double[p];
    for (int i = 0; i < p; i++) {
      t[i] = 0.3 + 0.17 * i;
    }
    return t;
  }

  @Test
  void aCorrectGradientPasses() {
    GradientCheckReport r = GradientCheck.defaults().run(cyclic(12, -1), point(12));
    assertTrue(r.passed(), r.format("cyclic", 3));
    assertEquals(12, r.checked());
  }

  @Test
  void aSmallErrorAtOneCoordinateFailsAndIsNamedFirst() {
    GradientCheckReport r = GradientCheck.defaults().run(cyclic(12, 5), point(12));
    assertFalse(r.passed());
    assertEquals(5, r.worst().get(0).index());
    assertEquals(1e-3, r.worst().get(0).relativeError(), 1e-4);
    assertEquals(r.maxRelativeError(), r.worst().get(0).relativeError());
  }

  @Test
  void coordinatesWhoseProbesStraddleAKinkAreSkippedAndCounted() {
    // f(θ) = |θ_0| + θ_1²: at θ_0 = 1e-6 the probes ±1e-5 land on both sides of the kink.
    Objective abs = new Objective() {
      @Override
      public int dimension() {
        return 2;
      }

      @Override
      public double value(double[] t) {
        return Math.abs(t[0]) + t[1] * t[1];
      }

      @Override
      public double valueAndGradient(double[] t, double[] g) {
        g[0] = Math.signum(t[0]);
        g[1] = 2 * t[1];
        return value(t);
      }

      @Override
      public long piece(double[] t) {
        return t[0] > 0 ? 1 : 0;
      }
    };
    GradientCheckReport r = GradientCheck.defaults().run(abs, new double[] {1e-6, 0.5});
    assertEquals(1, r.skippedAtKinks());
    assertEquals(1, r.checked());
    assertTrue(r.passed());
  }

  @Test
  void theFloorIsWhereTheDifferenceQuotientsRoundingErrorReachesATenthOfTheThreshold() {
    double[] t = point(12);
    double f = cyclic(12, -1).value(t);
    GradientCheckReport r = GradientCheck.defaults().run(cyclic(12, -1), t);
    assertEquals(10 * Math.ulp(1.0) * Math.abs(f) / 1e-5 / 1e-6, r.floor(), 1e-18);
    // Scaling f by 1000 scales its rounding noise, and the floor, by 1000: a scaled correct gradient still passes.
    Objective big = new Objective() {
      final Objective base = cyclic(12, -1);

      @Override
      public int dimension() {
        return 12;
      }

      @Override
      public double value(double[] x) {
        return 1000 * base.value(x);
      }

      @Override
      public double valueAndGradient(double[] x, double[] g) {
        double v = base.valueAndGradient(x, g);
        for (int i = 0; i < g.length; i++) {
          g[i] *= 1000;
        }
        return 1000 * v;
      }
    };
    GradientCheckReport scaled = GradientCheck.defaults().run(big, t);
    assertEquals(1000 * r.floor(), scaled.floor(), 1e-12);
    assertTrue(scaled.passed(), scaled.format("scaled", 3));
  }

  @Test
  void aThresholdFinerThanCentralDifferencesCanResolveFails() {
    // Rounding alone leaves relative errors near 1e-10 on this function: 1e-20 cannot pass.
    GradientCheckReport r = new GradientCheck(1e-5, 1e-20, 100, 0L, 3).run(cyclic(12, -1), point(12));
    assertFalse(r.passed(), r.format("cyclic", 3));
  }

  @Test
  void samplesCoordinatesWhenThereAreTooMany() {
    GradientCheckReport r = new GradientCheck(1e-5, 1e-4, 7, 3L, 4).run(cyclic(50, -1), point(50));
    assertEquals(7, r.checked());
    assertEquals(4, r.worst().size());
  }
}
