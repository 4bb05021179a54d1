package io.downhill.shard;

import io.downhill.gradcheck.Objective;
import io.downhill.linalg.Buf;
import io.downhill.loss.Loss;
import io.downhill.loss.Regularizer;
import io.downhill.model.Model;
import io.downhill.model.Pass;

/**
 * The training objective on a fixed minibatch, in float64, as a function of θ — what the
 * gradient check differentiates: {@code f(θ) = Σ_i w_i L_i(θ) / Σ_i w_i + R(θ)}. It runs the same
 * forward/backward code as training ({@link BatchGradient}). With a training pass of a fixed
 * seed, dropout uses the same masks at every evaluation, so f is still a deterministic function.
 */
public final class MinibatchObjective implements Objective {
  private final Model model;
  private final Loss loss;
  private final Regularizer reg;
  private final Buf x;
  private final int n;
  private final int[] labels;
  private final double[] targets;
  private final double[] weights;
  private final double weightSum;
  private final Pass pass;
  private final Scratch scratch = new Scratch();

  /**
   * @param x       {@code n x d} row-major features
   * @param weights per-row weights, or null for all ones
   * @param pass    {@link Pass#EVAL}, or a training pass (dropout on, with that pass's fixed masks)
   */
  public MinibatchObjective(Model model, Loss loss, Regularizer reg, double[] x, int n, int[] labels, double[] weights,
      Pass pass) {
    this(model, loss, reg, x, n, labels, null, weights, pass);
  }

  /**
   * The objective of a regression loss on real-valued {@code targets} (one per row); the other
   * arguments as for class labels.
   */
  public MinibatchObjective(Model model, Loss loss, Regularizer reg, double[] x, int n, double[] targets,
      double[] weights, Pass pass) {
    this(model, loss, reg, x, n, new int[n], targets, weights, pass);
  }

  private MinibatchObjective(Model model, Loss loss, Regularizer reg, double[] x, int n, int[] labels, double[] targets,
      double[] weights, Pass pass) {
    if (x.length != n * model.inputs() || labels.length != n || (targets != null && targets.length != n)
        || (weights != null && weights.length != n) || (targets != null) != loss.regression()) {
      throw new IllegalArgumentException("minibatch arrays do not match " + n + " x " + model.inputs()
          + " with " + (loss.regression() ? "targets" : "labels") + " for the " + loss.name() + " loss");
    }
    this.model = model;
    this.loss = loss;
    this.reg = reg;
    this.x = Buf.wrap(x);
    this.n = n;
    this.labels = labels.clone();
    this.targets = targets == null ? null : targets.clone();
    this.weights = weights == null ? filled(n) : weights.clone();
    double sum = 0;
    for (double w : this.weights) {
      sum += w;
    }
    this.weightSum = sum;
    this.pass = pass;
  }

  private static double[] filled(int n) {
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1.0);
    return w;
  }

  @Override
  public int dimension() {
    return model.layout().size();
  }

  @Override
  public double value(double[] theta) {
    return evaluate(theta, null);
  }

  @Override
  public double valueAndGradient(double[] theta, double[] grad) {
    return evaluate(theta, grad);
  }

  private double evaluate(double[] theta, double[] grad) {
    scratch.ensureRows(n, model.outputs());
    System.arraycopy(labels, 0, scratch.labels, 0, n);
    if (targets != null) {
      System.arraycopy(targets, 0, scratch.targets, 0, n);
    }
    System.arraycopy(weights, 0, scratch.weights, 0, n);
    Buf g = grad == null ? null : Buf.wrap(grad);
    if (g != null) {
      g.zero(grad.length);
    }
    double dataLoss = BatchGradient.lossSum(model, loss, Buf.wrap(theta), x, 0, n, g, scratch, pass) / weightSum;
    if (grad != null) {
      for (int i = 0; i < grad.length; i++) {
        grad[i] /= weightSum;
      }
      reg.addGradient(theta, model.layout(), grad);
    }
    return dataLoss + reg.penalty(theta, model.layout());
  }

  /** The kinks of f: ReLU patterns, hinge margins, signs of L1-regularized weights. */
  @Override
  public long piece(double[] theta) {
    value(theta);
    return 31 * (31 * model.piece(x, 0, n, scratch.workspace) + loss.piece(scratch.scores, n, model.outputs(), labels))
        + reg.piece(theta, model.layout());
  }

  @Override
  public boolean trained(int i) {
    return model.layout().sliceAt(i).role().trained();
  }

  @Override
  public String describe(int i) {
    return model.layout().describe(i);
  }
}
