package io.downhill.train;

import io.downhill.loss.Regularizer;
import io.downhill.model.Model;
import io.downhill.model.ParameterLayout;
import io.downhill.optim.MaxNorm;
import io.downhill.optim.Optimizer;
import io.downhill.optim.OptimizerConfig;
import io.downhill.optim.OptimizerState;
import io.downhill.shard.GradientAccumulator;
import java.io.Serializable;

/**
 * One exact synchronous step from the merged minibatch sums, the same code wherever it runs: on the
 * driver after a step's Spark job ({@link Minibatch}), or in every task of a collective segment
 * ({@link #run}), each task on its own replica of θ and of the optimizer state. The replicas start
 * equal and take the same double operations in the same order, so they stay equal to each other
 * and to the driver's θ bit for bit.
 * <pre>
 *   g = (Σ_i w_i ∂L_i/∂θ) / Σ_i w_i + ∂R/∂θ,   θ ← optimizer(θ, g, η),   θ ← maxnorm(θ),   state slices ← batch statistics
 * </pre>
 */
public final class SyncStep implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Model model;
  private final Regularizer regularizer;
  private final OptimizerConfig optimizer;
  private final MaxNorm maxNorm;

  SyncStep(Model model, TrainingConfig config) {
    this.model = model;
    this.regularizer = config.regularizer();
    this.optimizer = config.optimizer();
    this.maxNorm = config.maxNorm() > 0 ? new MaxNorm(config.maxNorm()) : null;
  }

  ParameterLayout layout() {
    return model.layout();
  }

  /** The update rule (a fresh object: rules hold hyperparameters only). */
  Optimizer rule() {
    return optimizer.rule();
  }

  /**
   * Applies step {@code global} (of {@code epoch}, at rate η) to θ and the state in place, from
   * {@code merged}, which has rows; keeps θ before the update in {@code before} when given (for the
   * update ratios). Returns the step's objective; a loss or gradient that is not finite throws
   * {@link DivergedException} with θ untouched.
   */
  Objective apply(GradientAccumulator merged, double[] theta, OptimizerState state, Optimizer rule, long global,
      int epoch, double lr, double[] before) {
    Objective f = Objective.of(merged, theta, regularizer, model.layout(), global, epoch, lr);
    if (before != null) {
      System.arraycopy(theta, 0, before, 0, theta.length);
    }
    rule.stepInPlace(theta, f.gradient(), state, lr);
    if (maxNorm != null) {
      maxNorm.projectInPlace(theta, model.layout());
    }
    if (merged.statsSum() != null) {
      model.mergeStatsInPlace(theta, merged.statsSum());
    }
    return f;
  }

  /**
   * Where a segment's task gets its sums: its own partition's minibatch, and the merge of every
   * partition's (the collective exchange, identical on every task).
   */
  public interface Exchange {
    /** This partition's share of step {@code plan} at parameters θ. */
    GradientAccumulator local(io.downhill.shard.StepPlan plan, double[] theta) throws java.io.IOException;

    /** Every partition's accumulator of round {@code round} merged in partition order, as the driver merges them. */
    GradientAccumulator allReduce(int round, GradientAccumulator local) throws java.io.IOException;
  }

  /**
   * The steps of {@code segment}, taken by one task on its replica: θ and the optimizer state from
   * the segment's start, then for each step this partition's sums, the exchange, and {@link #apply}.
   * With {@code report}, the result carries θ, the state and one report per step (the task the
   * driver listens to); otherwise only θ's hash, to check that the replicas agree. A step whose
   * loss is not finite ends the segment early with the {@link DivergedException} in the result.
   */
  public Segment.Result run(Segment segment, Exchange exchange, boolean report) throws java.io.IOException {
    ParameterLayout layout = model.layout();
    double[] theta = segment.theta().clone();
    Optimizer rule = rule();
    OptimizerState state = rule.newState(layout);
    state.restoreInPlace(segment.state(), segment.stateSteps());
    double[] before = report ? new double[theta.length] : null;
    long global = segment.global();
    java.util.List<Segment.StepReport> reports = new java.util.ArrayList<>();
    DivergedException diverged = null;
    for (int j = 0; j < segment.count(); j++) {
      long t0 = System.nanoTime();
      io.downhill.shard.StepPlan plan = new io.downhill.shard.StepPlan(segment.epoch(), segment.firstStep() + j,
          segment.stepsPerEpoch(), global);
      GradientAccumulator merged = exchange.allReduce(j, exchange.local(plan, theta));
      if (merged.weightSum() <= 0) {
        continue; // no row (or only zero-weight rows) reached this step, as in Minibatch
      }
      double lr = segment.schedule().rateAt(global, segment.stepsPerEpoch());
      Objective f;
      try {
        f = apply(merged, theta, state, rule, global, segment.epoch(), lr, before);
      } catch (DivergedException e) {
        diverged = e;
        break;
      }
      if (report) {
        reports.add(new Segment.StepReport(f.loss(), f.dataLoss(), f.gradNorm(), lr, merged.rows(),
            merged.computeNanos(), LayerStats.measure(layout, before, theta), System.nanoTime() - t0));
      }
      global++;
    }
    long hash = java.util.Arrays.hashCode(theta) * 31L + global;
    if (!report) {
      return new Segment.Result(null, null, 0, java.util.List.of(), diverged, hash);
    }
    java.util.Map<String, double[]> arrays = new java.util.TreeMap<>(state.arrays());
    return new Segment.Result(theta, arrays, state.steps(), reports, diverged, hash);
  }
}
