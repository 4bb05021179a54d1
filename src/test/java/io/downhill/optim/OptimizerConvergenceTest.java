package io.downhill.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.model.ParameterLayout;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A property: from random starts, every rule reaches the minimiser of a convex quadratic
 * f(θ) = ½ Σ a_i (θ_i - c_i)² with curvatures a_i spread over two orders of magnitude.
 */
class OptimizerConvergenceTest {
  private static final int P = 10;

  /**
   * A learning rate each rule is stable with on curvatures up to 10, and the steps it gets. RMSProp's
   * normalised step keeps it oscillating about η/2 around the minimiser at a constant rate, so its η
   * is below the 1e-3 tolerance. Adadelta runs at the paper's η = 1; with ε 1e-8 its first steps are
   * √(ε / (1 - ρ)) = 1e-3 and grow slowly, so it needs about 20000 steps to cross the 10 units to θ*.
   */
  private static final Map<String, double[]> SETTINGS = new java.util.TreeMap<>(Map.ofEntries(
      Map.entry("sgd", new double[] {0.1, 2000}),
      Map.entry("momentum", new double[] {0.02, 800}),
      Map.entry("nesterov", new double[] {0.02, 800}),
      Map.entry("adagrad", new double[] {1.0, 3000}),
      Map.entry("rmsprop", new double[] {0.001, 30000}),
      Map.entry("adam", new double[] {0.05, 8000}),
      Map.entry("adamw", new double[] {0.05, 8000}),
      Map.entry("nadam", new double[] {0.05, 8000}),
      Map.entry("amsgrad", new double[] {0.05, 8000}),
      Map.entry("adamax", new double[] {0.05, 8000}),
      Map.entry("adadelta", new double[] {1.0, 30000})));

  @Test
  void everyRuleConvergesFromRandomStarts() {
    assertEquals(Set.copyOf(OptimizerConfig.ruleNames()), SETTINGS.keySet(), "every registered rule has a rate here");
    SplittableRandom rng = new SplittableRandom(5);
    double[] a = new double[P];
    double[] c = new double[P];
    for (int i = 0; i < P; i++) {
      a[i] = Math.pow(10, -1 + 2.0 * i / (P - 1)); // 0.1 .. 10
      c[i] = rng.nextDouble() * 4 - 2;
    }
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("b", 1, P, ParameterLayout.Role.BIAS); // no weight decay: the minimiser is c for every rule
    ParameterLayout layout = b.build();
    for (Map.Entry<String, double[]> rule : SETTINGS.entrySet()) {
      for (int start = 0; start < 5; start++) {
        // starts drawn per rule and start (not from one stream in map order): every rule, every run, the same points
        SplittableRandom starts = new SplittableRandom(1000L * start + rule.getKey().hashCode());
        Optimizer opt = OptimizerGoldenTest.rule(rule.getKey());
        OptimizerState state = opt.newState(layout);
        double[] theta = new double[P];
        for (int i = 0; i < P; i++) {
          theta[i] = starts.nextDouble() * 20 - 10;
        }
        double[] g = new double[P];
        for (int step = 0; step < rule.getValue()[1]; step++) {
          for (int i = 0; i < P; i++) {
            g[i] = a[i] * (theta[i] - c[i]);
          }
          opt.stepInPlace(theta, g, state, rule.getValue()[0]);
        }
        double worst = 0;
        for (int i = 0; i < P; i++) {
          worst = Math.max(worst, Math.abs(theta[i] - c[i]));
        }
        assertTrue(worst < 1e-3, rule.getKey() + " from start " + start + ": |θ - θ*| = " + worst);
      }
    }
  }
}
