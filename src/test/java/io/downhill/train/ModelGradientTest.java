package io.downhill.train;

import io.downhill.shard.MinibatchObjective;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.gradcheck.GradientCheck;
import io.downhill.gradcheck.GradientCheckReport;
import io.downhill.gradcheck.Objective;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.loss.Regularizer;
import io.downhill.model.Initializer;
import io.downhill.model.Model;
import io.downhill.model.ModelSpec;
import io.downhill.model.Pass;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The full objective (model + loss + L2) against central differences, in float64, for every loss. */
class ModelGradientTest {

  private static MinibatchObjective objective(Loss loss, int n, int d, int k, double lambda, boolean weighted, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextDouble() * 2 - 1;
    }
    int[] labels = new int[n];
    double[] weights = weighted ? new double[n] : null;
    for (int i = 0; i < n; i++) {
      labels[i] = rng.nextInt(k);
      if (weighted) {
        weights[i] = 0.5 + rng.nextDouble();
      }
    }
    Model model = Model.of(ModelSpec.linear(d, loss.outputs(k)));
    return new MinibatchObjective(model, loss, new Regularizer(lambda), x, n, labels, weights, Pass.EVAL);
  }

  private static double[] theta(int p, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] t = new double[p];
    for (int i = 0; i < p; i++) {
      t[i] = rng.nextDouble() - 0.5;
    }
    return t;
  }

  @Test
  void linearModelWithEveryLossAndL2PassesAtOneInAMillion() {
    for (String name : new String[] {"softmax", "svm", "logistic"}) {
      Loss loss = Losses.parse(name);
      int k = name.equals("logistic") ? 2 : 4;
      for (boolean weighted : new boolean[] {false, true}) {
        MinibatchObjective f = objective(loss, 9, 6, k, 0.05, weighted, 5);
        GradientCheckReport r = GradientCheck.defaults().run(f, theta(f.dimension(), 9));
        assertTrue(r.passed(), r.format(name + (weighted ? " weighted" : ""), 5));
      }
    }
  }

  @Test
  void aRealisticallyScaledPointPassesToo() {
    // Small initial weights as in training (0.01·N(0,1)): every hinge margin is active, softmax near uniform.
    for (String name : new String[] {"softmax", "svm"}) {
      MinibatchObjective f = objective(Losses.parse(name), 32, 50, 10, 1e-3, false, 3);
      double[] t = new double[f.dimension()];
      Model model = Model.of(ModelSpec.linear(50, 10));
      Initializer.gaussian(0.01).initialize(model.layout(), t, 1);
      GradientCheckReport r = GradientCheck.defaults().run(f, t);
      assertTrue(r.passed(), r.format(name, 5));
    }
  }

  @Test
  void aMissingRegularizationGradientIsCaught() {
    MinibatchObjective f = objective(Losses.parse("softmax"), 9, 6, 4, 0.05, false, 5);
    Objective broken = new Objective() {
      @Override
      public int dimension() {
        return f.dimension();
      }

      @Override
      public double value(double[] t) {
        return f.value(t);
      }

      @Override
      public double valueAndGradient(double[] t, double[] g) {
        double v = f.valueAndGradient(t, g);
        // forget the factor 2 of ∂(λ‖W‖²)/∂W = 2λW on the weights (the first 24 coordinates)
        for (int i = 0; i < 24; i++) {
          g[i] -= 0.05 * t[i];
        }
        return v;
      }

      @Override
      public String describe(int i) {
        return f.describe(i);
      }
    };
    GradientCheckReport r = GradientCheck.defaults().run(broken, theta(f.dimension(), 9));
    assertFalse(r.passed());
    assertTrue(r.worst().get(0).name().startsWith("W["), r.worst().get(0).name());
  }
}
