package io.downhill.shard;

import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.linalg.Precision;
import io.downhill.loss.Loss;
import io.downhill.model.BatchSums;
import io.downhill.model.Model;
import io.downhill.model.Pass;
import io.downhill.train.LocalGradientSource;
import java.io.Serializable;

/**
 * The work of one partition: its share of a step's minibatch gradient, or its part of an
 * evaluation. Runs wherever the partition is (a Spark executor, or this JVM for
 * {@link LocalGradientSource}); small enough to ship with every task.
 */
public final class ShardComputer implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Rows per forward pass during evaluation. */
  static final int EVAL_CHUNK = 2048;

  private final Model model;
  private final Loss loss;
  private final int numClasses;
  private final Precision precision;
  private final long seed;
  private final boolean rowSparse;

  public ShardComputer(Model model, Loss loss, int numClasses, Precision precision, long seed) {
    this(model, loss, numClasses, precision, seed, true);
  }

  private ShardComputer(Model model, Loss loss, int numClasses, Precision precision, long seed, boolean rowSparse) {
    this.model = model;
    this.loss = loss;
    this.numClasses = numClasses;
    this.precision = precision;
    this.seed = seed;
    this.rowSparse = rowSparse;
  }

  /**
   * This computer returning every minibatch gradient dense, never as {@link RowSparseGradient}:
   * the baseline the benchmark and the tests compare the row-sparse results against.
   */
  public ShardComputer denseGradients() {
    return new ShardComputer(model, loss, numClasses, precision, seed, false);
  }

  public Precision precision() {
    return precision;
  }

  /** θ in compute precision: what every partition reads (convert once per step, not per partition). */
  public Buf params(double[] theta) {
    return params(theta, null);
  }

  /**
   * The same, written into {@code reuse} when it has this computer's precision and θ's length (a
   * task's copy from its last step, no longer read), else into a new buffer.
   */
  public Buf params(double[] theta, Buf reuse) {
    Buf params = reuse != null && reuse.precision() == precision && reuse.length() == theta.length ? reuse
        : Buf.allocate(precision, theta.length);
    params.copyFrom(theta, theta.length);
    return params;
  }

  public Model model() {
    return model;
  }

  public Loss loss() {
    return loss;
  }

  public int numClasses() {
    return numClasses;
  }

  /**
   * This partition's part of step {@code plan}: positions {@code [s·n_p/S, (s+1)·n_p/S)} of the
   * epoch's permutation, gathered, then forward + loss + backward in compute precision; the
   * gradient is summed into a double array. Dropout masks are seeded by (seed, step, partition).
   * Batch normalization normalizes with totals over the step's whole batch, which {@code sums}
   * makes: when it is a {@link Rounds} that does not know the next total yet, the result is this
   * partition's sums for it ({@link GradientAccumulator#needed}) and no gradient. A step that takes
   * every row (full-batch descent) works block by block instead, without a copy, when the model has
   * no such layer.
   */
  public GradientAccumulator gradient(Shard shard, int partition, StepPlan plan, Buf params, BatchSums sums) {
    checkPrecision(shard);
    Pass pass = Pass.training(BatchPlan.mix(seed, plan.globalStep(), partition), sums);
    try {
      return gradient(shard, partition, plan, params, pass);
    } catch (Rounds.Needed e) {
      return GradientAccumulator.needing(e.partial());
    } finally {
      Scratch.forThread().stats = null;
    }
  }

  private GradientAccumulator gradient(Shard shard, int partition, StepPlan plan, Buf params, Pass pass) {
    int rows = shard.rows();
    int from = BatchPlan.start(rows, plan.step(), plan.stepsPerEpoch());
    int to = BatchPlan.start(rows, plan.step() + 1, plan.stepsPerEpoch());
    int n = to - from;
    if (n == 0) {
      model.joinTotalsWithoutRows(pass);
      return GradientAccumulator.empty();
    }
    long t0 = System.nanoTime();
    if (n == rows && model.statsSize() == 0) {
      return fullBatch(shard, params, pass, t0);
    }
    int p = params.length();
    Scratch s = Scratch.forThread();
    s.ensureRows(n, model.outputs());
    int[] order = BatchPlan.permutation(seed, plan.epoch(), partition, rows);
    Buf grad = s.zeroGrad(precision, p);
    double[] stats = gatherStats(s);
    Minibatch b = minibatch(shard, order, from, to, params, grad, s, pass);
    if (rowSparse && b.sparse() != null) {
      return GradientAccumulator.of(touchedRows(b.sparse(), grad, s), b.lossSum(), sum(s.weights, n), n,
          System.nanoTime() - t0)
          .orDense(grad).withStats(stats);
    }
    return GradientAccumulator.of(grad, b.lossSum(), sum(s.weights, n), n, System.nanoTime() - t0).withStats(stats);
  }

  /** This partition's part of a training step when it holds no shard at all: the totals it joins ({@link Model#joinTotalsWithoutRows}). */
  public GradientAccumulator withoutRows(BatchSums sums) {
    try {
      model.joinTotalsWithoutRows(Pass.training(seed, sums));
      return GradientAccumulator.empty();
    } catch (Rounds.Needed e) {
      return GradientAccumulator.needing(e.partial());
    }
  }

  /** A zeroed buffer for this step's batch statistics, installed in {@code s}; null for a model without state. */
  private double[] gatherStats(Scratch s) {
    s.stats = model.statsSize() > 0 ? new double[model.statsSize()] : null;
    return s.stats;
  }

  /**
   * The gradient of a sparse batch as its touched first-layer rows ({@link RowSparseGradient}),
   * taken out of {@code grad} (which is then all zeros again), or null when the dense gradient
   * is about as small (then {@code grad} is handed over as it is).
   */
  private RowSparseGradient touchedRows(Csr x, Buf grad, Scratch s) {
    io.downhill.model.DenseLayer first = (io.downhill.model.DenseLayer) model.layers().get(0);
    int[] touched = x.distinctColumns(s.marks(x.cols()));
    if (!RowSparseGradient.pays(touched.length, first.outputs(), grad.length(), precision.bytes())) {
      return null;
    }
    RowSparseGradient g = RowSparseGradient.extract(grad, grad.length(), first.weightOffset(), first.inputs(),
        first.outputs(), touched);
    s.gradClean = true;
    return g;
  }

  /**
   * {@code plan.count()} steps of plain SGD on this partition's rows alone, from θ: the same rows
   * as those steps would take in synchronous SGD, each step's mean gradient plus the
   * regularization gradient, at the rates given. Returns the partition's move weighted by the
   * weight of the rows it used (see {@link LocalUpdate}).
   * <pre>
   *   θ_p ← θ;   for each local step j:   θ_p ← θ_p - η_j · ( Σ_i w_i ∂L_i/∂θ(θ_p) / Σ_i w_i  +  ∂R/∂θ(θ_p) )
   * </pre>
   */
  public LocalUpdate localSteps(Shard shard, int partition, LocalPlan plan, Buf params, double[] rates,
      io.downhill.loss.Regularizer reg) {
    checkPrecision(shard);
    long t0 = System.nanoTime();
    int p = params.length();
    int d = shard.cols();
    int rows = shard.rows();
    double[] theta = new double[p];
    params.copyTo(0, theta, p);
    double[] local = theta.clone();
    Scratch s = Scratch.forThread();
    Buf current = s.params(local, precision); // the compute-precision copy of the local model
    double[] stepLoss = new double[plan.count()];
    double[] stepWeight = new double[plan.count()];
    double used = 0;
    long usedRows = 0;
    int[] order = BatchPlan.permutation(seed, plan.epoch(), partition, rows);
    for (int j = 0; j < plan.count(); j++) {
      StepPlan step = plan.step(j);
      int from = BatchPlan.start(rows, step.step(), step.stepsPerEpoch());
      int to = BatchPlan.start(rows, step.step() + 1, step.stepsPerEpoch());
      int n = to - from;
      if (n == 0) {
        continue;
      }
      s.ensureRows(n, model.outputs());
      Buf grad = s.zeroGrad(precision, p);
      Pass pass = Pass.training(BatchPlan.mix(seed, step.globalStep(), partition));
      double lossSum = minibatch(shard, order, from, to, current, grad, s, pass).lossSum();
      double w = sum(s.weights, n);
      if (w <= 0) {
        continue;
      }
      sgdStep(local, current, grad, 1.0 / w, rates[j], reg);
      stepLoss[j] = lossSum;
      stepWeight[j] = w;
      used += w;
      usedRows += n;
    }
    if (used == 0) {
      return LocalUpdate.empty();
    }
    for (int i = 0; i < p; i++) {
      local[i] = used * (local[i] - theta[i]);
    }
    return LocalUpdate.of(local, used, stepLoss, stepWeight, usedRows, System.nanoTime() - t0);
  }

  /**
   * One local SGD step in one pass over the parameters, slice by slice:
   * {@code θ_i ← θ_i - η·(grad_i/w + ∂R/∂θ_i)} in double, then θ rounded into {@code current}
   * (the compute-precision copy the next step reads). One pass, because for a wide model the
   * separate passes (widen, scale, regularize, update, round) cost as much as the GEMMs.
   */
  private void sgdStep(double[] theta, Buf current, Buf grad, double inverseWeight, double lr,
      io.downhill.loss.Regularizer reg) {
    double l2 = 2 * reg.lambda() * (1 - reg.l1Ratio());
    double l1 = reg.lambda() * reg.l1Ratio();
    for (io.downhill.model.ParameterLayout.Slice slice : model.layout().slices()) {
      double a = slice.role().regularized() ? l2 : 0.0;
      double b = slice.role().regularized() ? l1 : 0.0;
      if (grad.f != null) {
        float[] g = grad.f;
        float[] out = current.f;
        for (int i = slice.offset(); i < slice.end(); i++) {
          double t = theta[i];
          t -= lr * (g[i] * inverseWeight + a * t + b * Math.signum(t));
          theta[i] = t;
          out[i] = (float) t;
        }
      } else {
        double[] g = grad.d;
        double[] out = current.d;
        for (int i = slice.offset(); i < slice.end(); i++) {
          double t = theta[i];
          t -= lr * (g[i] * inverseWeight + a * t + b * Math.signum(t));
          theta[i] = t;
          out[i] = t;
        }
      }
    }
  }

  /**
   * Every row of the shard, in chunks straight from the blocks; each chunk's gradient is added in
   * double. Only for models without batch statistics, which would normalize chunk by chunk.
   */
  private GradientAccumulator fullBatch(Shard shard, Buf params, Pass pass, long t0) {
    int p = params.length();
    Scratch s = Scratch.forThread();
    GradientAccumulator total = GradientAccumulator.empty();
    for (Block block : shard.blocks()) {
      for (int r0 = 0; r0 < block.rows(); r0 += EVAL_CHUNK) {
        int n = Math.min(EVAL_CHUNK, block.rows() - r0);
        double weight = chunkLabels(block, r0, n, s);
        Buf grad = s.zeroGrad(precision, p);
        double lossSum = chunk(block, r0, n, params, grad, s, pass);
        total.merge(GradientAccumulator.of(grad, lossSum, weight, n, 0L)); // chunks summed in double
      }
    }
    return total.merge(GradientAccumulator.of((Buf) null, 0, 0, 0, System.nanoTime() - t0));
  }

  /** A minibatch's loss sum, and its rows when the shard stores them sparse (else null). */
  private record Minibatch(double lossSum, Csr sparse) {}

  /**
   * The loss sum (and gradient, when {@code grad} is not null) of minibatch rows
   * {@code order[from..to)}, gathered dense or sparse as the shard stores them; labels (or a
   * regression loss's targets) and weights land in the scratch.
   */
  private Minibatch minibatch(Shard shard, int[] order, int from, int to, Buf params, Buf grad, Scratch s,
      Pass pass) {
    int n = to - from;
    s.ensureRows(n, model.outputs());
    if (loss.regression()) {
      shard.gatherTargets(order, from, to, s.targets);
    }
    if (shard.isSparse()) {
      Csr x = shard.gatherSparse(order, from, to, s.labels, s.weights);
      return new Minibatch(BatchGradient.lossSum(model, loss, params, x, grad, s, pass), x);
    }
    Buf x = s.batch(precision, n * shard.cols());
    shard.gather(order, from, to, x, s.labels, s.weights);
    return new Minibatch(BatchGradient.lossSum(model, loss, params, x, 0, n, grad, s, pass), null);
  }

  /** The loss sum (and gradient) of block rows {@code r0..r0+n-1}, whose labels are in the scratch. */
  private double chunk(Block block, int r0, int n, Buf params, Buf grad, Scratch s, Pass pass) {
    return block.isSparse()
        ? BatchGradient.lossSum(model, loss, params, block.sparse().rows(r0, r0 + n), grad, s, pass)
        : BatchGradient.lossSum(model, loss, params, block.x(), r0 * block.cols(), n, grad, s, pass);
  }

  /**
   * Copies the labels (a regression block: the targets) and weights of rows {@code [r0, r0+n)} of a
   * block into the scratch; returns Σ weights.
   */
  private static double chunkLabels(Block block, int r0, int n, Scratch s) {
    s.ensureRows(n, 1);
    if (block.regression()) {
      System.arraycopy(block.targets(), r0, s.targets, 0, n);
    } else {
      System.arraycopy(block.labels(), r0, s.labels, 0, n);
    }
    if (block.weights() == null) {
      s.unitWeights(n);
      return n;
    }
    System.arraycopy(block.weights(), r0, s.weights, 0, n);
    return sum(s.weights, n);
  }

  private static double sum(double[] values, int n) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += values[i];
    }
    return total;
  }

  /**
   * Loss, accuracy and confusion matrix of θ (in compute precision) over every row of the shard; for
   * a regression loss, loss and the residuals' sums (RMSE, MAE, R²).
   */
  public Evaluation evaluate(Shard shard, Buf params) {
    checkPrecision(shard);
    Evaluation eval = loss.regression() ? Evaluation.regression() : new Evaluation(numClasses);
    Scratch s = Scratch.forThread();
    int c = model.outputs();
    for (Block block : shard.blocks()) {
      for (int r0 = 0; r0 < block.rows(); r0 += EVAL_CHUNK) {
        int n = Math.min(EVAL_CHUNK, block.rows() - r0);
        double weightSum = chunkLabels(block, r0, n, s);
        double lossSum = chunk(block, r0, n, params, null, s, Pass.EVAL);
        eval.addLoss(lossSum, weightSum);
        for (int i = 0; i < n; i++) {
          if (loss.regression()) {
            eval.addTarget(s.targets[i], s.scores[i]); // one output: the score is the prediction
          } else {
            eval.addPrediction(s.labels[i], loss.predict(s.scores, i, c));
          }
        }
      }
    }
    return eval;
  }

  private void checkPrecision(Shard shard) {
    if (shard.rows() > 0 && shard.precision() != precision) {
      throw new IllegalStateException("shard stores " + shard.precision() + " but compute precision is " + precision);
    }
    if (shard.rows() > 0 && shard.regression() != loss.regression()) {
      throw new IllegalStateException("shard holds " + (shard.regression() ? "regression targets" : "class labels")
          + " but the " + loss.name() + " loss reads " + (loss.regression() ? "targets" : "labels"));
    }
  }
}
