package io.downhill.train;

import io.downhill.shard.MinibatchObjective;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.gradcheck.GradientCheck;
import io.downhill.gradcheck.GradientCheckReport;
import io.downhill.loss.Loss;
import io.downhill.loss.Losses;
import io.downhill.loss.Regularizer;
import io.downhill.model.Activations;
import io.downhill.model.Initializer;
import io.downhill.model.Model;
import io.downhill.model.ModelSpec;
import io.downhill.model.ParameterLayout;
import io.downhill.model.Pass;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Central differences against backpropagation, in float64, for every layer type (dense, every
 * activation of {@link Activations}, dropout with a fixed mask), every head and every regularizer.
 */
class NetworkGradientTest {

  private static GradientCheckReport check(List<Integer> hidden, String act, double dropout, String lossName,
      Regularizer reg, long seed) {
    Loss loss = Losses.parse(lossName);
    int k = lossName.equals("logistic") ? 2 : 4;
    int n = 7;
    int d = 6;
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = uniform(rng, n * d);
    int[] labels = new int[n];
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rng.nextInt(k);
      weights[i] = 0.5 + rng.nextDouble();
    }
    Model model = Model.of(ModelSpec.mlp(d, hidden, loss.outputs(k), act, dropout));
    double[] theta = new double[model.layout().size()];
    Initializer.he().initialize(model.layout(), theta, seed);
    for (var slice : model.layout().slices()) {
      if (slice.role() == ParameterLayout.Role.BIAS) {
        for (int i = slice.offset(); i < slice.end(); i++) {
          theta[i] = 0.2 * (rng.nextDouble() - 0.5);
        }
      }
    }
    Pass pass = dropout > 0 ? Pass.training(seed) : Pass.EVAL;
    MinibatchObjective f = new MinibatchObjective(model, loss, reg, x, n, labels, weights, pass);
    return GradientCheck.defaults().run(f, theta);
  }

  @Test
  void everyActivationWithEveryHead() {
    for (String act : Activations.names()) {
      for (String loss : new String[] {"softmax", "svm", "logistic"}) {
        GradientCheckReport r = check(List.of(5, 4), act, 0.0, loss, new Regularizer(1e-2), 3);
        assertTrue(r.passed(), r.format(act + " " + loss, 5));
      }
    }
  }

  @Test
  void dropoutWithAFixedMaskIsDifferentiable() {
    for (String act : Activations.names()) {
      GradientCheckReport r = check(List.of(8, 6), act, 0.4, "softmax", new Regularizer(1e-3), 11);
      assertTrue(r.passed(), r.format("dropout " + act, 5));
    }
  }

  @Test
  void l1AndElasticNetAwayFromTheirKinks() {
    for (double ratio : new double[] {1.0, 0.5}) {
      GradientCheckReport r = check(List.of(5), "tanh", 0.0, "softmax", new Regularizer(0.05, ratio), 7);
      assertTrue(r.passed(), r.format("l1 ratio " + ratio, 5));
    }
  }

  @Test
  void aBrokenActivationDerivativeIsCaught() {
    // leaky ReLU checked as if it were ReLU: the backward pass of the real model is right, so break
    // the objective instead, by comparing a leaky network's values with a ReLU network's gradient.
    Loss loss = Losses.parse("softmax");
    int n = 5;
    int d = 4;
    SplittableRandom rng = new SplittableRandom(1);
    double[] x = uniform(rng, n * d);
    int[] labels = {0, 1, 2, 1, 0};
    Model leaky = Model.of(ModelSpec.mlp(d, List.of(6), 3, "leaky-relu", 0));
    Model relu = Model.of(ModelSpec.mlp(d, List.of(6), 3, "relu", 0));
    MinibatchObjective values = new MinibatchObjective(leaky, loss, Regularizer.none(), x, n, labels, null, Pass.EVAL);
    MinibatchObjective grads = new MinibatchObjective(relu, loss, Regularizer.none(), x, n, labels, null, Pass.EVAL);
    double[] theta = new double[leaky.layout().size()];
    Initializer.he().initialize(leaky.layout(), theta, 2);
    GradientCheckReport r = GradientCheck.defaults().run(new io.downhill.gradcheck.Objective() {
      @Override
      public int dimension() {
        return values.dimension();
      }

      @Override
      public double value(double[] t) {
        return values.value(t);
      }

      @Override
      public double valueAndGradient(double[] t, double[] g) {
        grads.valueAndGradient(t, g);
        return values.value(t);
      }
    }, theta);
    assertFalse(r.passed(), r.format("mismatched", 3));
  }

  /** The squared loss on real-valued targets: linear and every activation, weighted rows, L2 and elastic net. */
  @Test
  void squaredErrorOnRealTargetsWithEveryActivation() {
    Loss loss = Losses.parse("squared");
    int n = 7;
    int d = 5;
    SplittableRandom rng = new SplittableRandom(21);
    double[] x = uniform(rng, n * d);
    double[] targets = new double[n];
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      targets[i] = rng.nextDouble() * 6 - 3;
      weights[i] = 0.5 + rng.nextDouble();
    }
    List<ModelSpec> specs = new java.util.ArrayList<>(List.of(ModelSpec.linear(d, loss.outputs(0))));
    for (String act : Activations.names()) {
      specs.add(ModelSpec.mlp(d, List.of(6, 4), loss.outputs(0), act, 0.0));
    }
    for (ModelSpec spec : specs) {
      for (Regularizer reg : new Regularizer[] {new Regularizer(1e-2), new Regularizer(0.05, 0.5)}) {
        Model model = Model.of(spec);
        double[] theta = new double[model.layout().size()];
        Initializer.he().initialize(model.layout(), theta, 9);
        Initializer.randomizeBiases(model.layout(), theta, 10);
        MinibatchObjective f = new MinibatchObjective(model, loss, reg, x, n, targets, weights, Pass.EVAL);
        GradientCheckReport r = GradientCheck.defaults().run(f, theta);
        assertTrue(r.passed(), r.format("squared " + spec.describe() + " " + reg.describe(), 5));
        assertTrue(r.checked() > 0, r.format("squared " + spec.describe(), 5));
      }
    }
  }

  /** {@code size} values drawn uniformly from [-1, 1). */
  private static double[] uniform(SplittableRandom rng, int size) {
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = rng.nextDouble() * 2 - 1;
    }
    return x;
  }
}
