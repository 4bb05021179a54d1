package io.downhill.train;

import io.downhill.linalg.Blas;
import io.downhill.loss.Regularizer;
import io.downhill.model.Model;
import io.downhill.model.ParameterLayout;
import io.downhill.optim.MaxNorm;
import io.downhill.optim.Optimizer;
import io.downhill.optim.OptimizerConfig;
import io.downhill.optim.OptimizerState;
import io.downhill.optim.schedule.Schedule;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import io.downhill.shard.StepPlan;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * One synchronous update of θ from the partitions' merged sums, the same code wherever it runs: on
 * the driver after a step's Spark job ({@link Minibatch}) or a job of K local steps
 * ({@link LocalSteps}), or in every task of a collective segment ({@link #run}), each task on its
 * own replica of θ and of the optimizer state. The replicas start equal and take the same double
 * operations in the same order, so they stay equal to each other and to the driver's θ bit for bit.
 * <pre>
 *   exact step:     g = (Σ_i w_i ∂L_i/∂θ) / Σ_i w_i + ∂R/∂θ,   θ ← optimizer(θ, g, η),
 *                   θ ← maxnorm(θ),   state slices ← batch statistics
 *   K local steps:  Δ = Σ_p w_p (θ_p - θ) / Σ_p w_p,   g̃ = -Δ / η₀,   θ ← optimizer(θ, g̃, η₀),
 *                   θ ← maxnorm(θ)                     (η₀: the job's first rate)
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
    keep(theta, before);
    rule.stepInPlace(theta, f.gradient(), state, lr);
    constrainInPlace(theta);
    mergeStatsInPlace(theta, merged);
    return f;
  }

  /** The rates of the {@code count} steps from step {@code global}: one per local step of a job. */
  static double[] rates(Schedule schedule, long global, int count, int stepsPerEpoch) {
    double[] rates = new double[count];
    for (int j = 0; j < count; j++) {
      rates[j] = schedule.rateAt(global + j, stepsPerEpoch);
    }
    return rates;
  }

  /**
   * Applies the job of local steps {@code global, global + 1, ...} (of {@code epoch}, at
   * {@code rates}) that {@code merged} sums up, which has rows, to θ and the state in place; keeps θ
   * before the update in {@code before} when given. Returns each local step's objective: its data
   * loss plus R(θ) before the update, and the job's ‖g̃‖₂ (the K steps moved θ together). A step's
   * loss or the move that is not finite throws {@link DivergedException} with θ untouched.
   */
  Objective[] applyAveraged(LocalUpdate merged, double[] theta, OptimizerState state, Optimizer rule, long global,
      int epoch, double[] rates, double[] before) {
    double[] g = merged.deltaSum();
    Blas.scal(-1.0 / (merged.weightSum() * rates[0]), g); // g̃ = -Δ / η₀
    double gradNorm = Math.sqrt(Blas.sumOfSquares(g, 0, g.length));
    double penalty = regularizer.penalty(theta, model.layout());
    for (int j = 0; j < rates.length; j++) {
      if (merged.stepWeight(j) > 0 && !Double.isFinite(merged.stepLoss(j))) {
        throw new DivergedException(global + j, epoch, "loss", merged.stepLoss(j), rates[j]);
      }
    }
    if (!Double.isFinite(gradNorm)) {
      throw new DivergedException(global, epoch, "averaged update", gradNorm, rates[0]);
    }
    keep(theta, before);
    rule.stepInPlace(theta, g, state, rates[0]);
    constrainInPlace(theta);
    Objective[] steps = new Objective[rates.length];
    for (int j = 0; j < rates.length; j++) {
      double dataLoss = merged.stepLoss(j);
      steps[j] = new Objective(dataLoss + penalty, dataLoss, null, gradNorm);
    }
    return steps;
  }

  private static void keep(double[] theta, double[] before) {
    if (before != null) {
      System.arraycopy(theta, 0, before, 0, theta.length);
    }
  }

  /** The max-norm constraint on θ, in place, when configured; returns how many columns were rescaled. */
  int constrainInPlace(double[] theta) {
    return maxNorm == null ? 0 : maxNorm.projectInPlace(theta, model.layout());
  }

  /**
   * Folds the statistics the partitions gathered during a step into the STATE slices of θ (a
   * normalization's running mean); whether θ changed (never for models without such layers).
   */
  boolean mergeStatsInPlace(double[] theta, GradientAccumulator merged) {
    if (merged.statsSum() == null) {
      return false;
    }
    model.mergeStatsInPlace(theta, merged.statsSum());
    return true;
  }

  /**
   * Where a segment's task gets its sums: its own partition's share of a step or job, and the merge
   * of every partition's (the collective exchange, identical on every task).
   */
  public interface Exchange {
    /**
     * This partition's share of step {@code plan} at parameters θ, its batch normalization's totals
     * over the step's batch exchanged with the other partitions as the pass goes.
     */
    GradientAccumulator local(StepPlan plan, double[] theta) throws IOException;

    /**
     * Every partition's accumulator of a step merged in partition order, as the driver merges them;
     * {@code carry} (null, or the same length on every partition) is summed among the partitions
     * along with it, in partition order, in place.
     */
    GradientAccumulator allReduce(GradientAccumulator local, double[] carry) throws IOException;

    /** This partition's index among the segment's tasks. */
    default int rank() {
      return 0;
    }

    /** How many tasks take the segment's steps together. */
    default int size() {
      return 1;
    }

    /** This partition's job of local steps {@code plan} from θ, at {@code rates}. */
    LocalUpdate localSteps(LocalPlan plan, double[] theta, double[] rates, Regularizer reg) throws IOException;

    /**
     * Every partition's update of a job of {@code count} local steps, merged in partition order as the
     * driver merges them ({@link LocalUpdate#merge}).
     */
    LocalUpdate allReduce(LocalUpdate local, int count) throws IOException;

    /**
     * The reporting task's word of step {@code step} (the run's count) and its loss, for the
     * driver's progress line while the segment runs; {@code last}: the segment's final step.
     */
    default void progress(long step, double loss, boolean last) {}
  }

  /**
   * The steps of {@code segment}, taken by one task on its replica: θ and the optimizer state from
   * the segment's start, then for each step (or each job of {@link Segment#localSteps} steps,
   * stride K from the segment's first step, the last possibly shorter, as {@link LocalSteps} cuts
   * them) this partition's sums, the exchange, and {@link #apply} (or {@link #applyAveraged}). With
   * {@code report}, the result carries θ, the state and one report per step (the task the driver
   * listens to); otherwise only θ's hash, to check that the replicas agree. A step whose loss is not
   * finite ends the segment early with the {@link DivergedException} in the result.
   */
  public Segment.Result run(Segment segment, Exchange exchange, boolean report) throws IOException {
    Replica replica = new Replica(segment, report, exchange.rank(), exchange.size());
    int k = segment.localSteps();
    DivergedException diverged = null;
    try {
      for (int j = 0; j < segment.count(); j += k) {
        if (k == 1) {
          replica.exactStep(exchange, j);
        } else {
          replica.averagedJob(exchange, j, Math.min(k, segment.count() - j));
        }
      }
    } catch (DivergedException e) {
      diverged = e;
    }
    long hash = Arrays.hashCode(replica.theta) * 31L + replica.global;
    if (!report) {
      return new Segment.Result(null, null, 0, List.of(), diverged, hash);
    }
    return new Segment.Result(replica.theta, new TreeMap<>(replica.state.arrays()), replica.state.steps(),
        replica.reports, diverged, hash);
  }

  /**
   * One task's replica during a segment: θ, the optimizer state, the run's step count, the reports.
   *
   * <p>The update statistics of an exact step ({@link LayerStats}) take two passes over the weights,
   * which the reporting task (rank 0) used to make alone while the others waited for it at the next
   * exchange. With two or more tasks, rank 0 measures the weights after the step and rank 1 the
   * update; rank 1's sums ride in the next step's exchange (every other task adds -0.0, which
   * changes no value), and rank 0 completes the step's report from them. The segment's last step,
   * which no exchange follows, rank 0 measures whole.
   */
  private final class Replica {
    private final Segment segment;
    private final double[] theta;
    private final Optimizer rule = rule();
    private final OptimizerState state;
    private final double[] before;
    private final List<Segment.StepReport> reports = new ArrayList<>();
    private final boolean report;
    /** Rank 0 of two or more: its reports wait for rank 1's update sums. */
    private final boolean helped;
    /** Rank 1 of two or more: measures each step's update for rank 0. */
    private final boolean helper;
    private final int carried;
    /** Rank 0: the last step's report, whose update sums come with the next exchange. */
    private Segment.StepReport pending;
    private double[] pendingWeights;
    /** Rank 1: the last step's update sums, for the next exchange. */
    private double[] pendingUpdate;
    private long global;

    Replica(Segment segment, boolean report, int rank, int size) {
      this.segment = segment;
      this.theta = segment.theta().clone();
      this.state = rule.newState(model.layout());
      state.restoreInPlace(segment.state(), segment.stateSteps());
      this.report = report;
      this.helped = report && size > 1;
      this.helper = !report && rank == 1 && segment.localSteps() == 1; // exact steps only
      this.carried = helped || helper || size > 1 ? LayerStats.SUMS * LayerStats.weightSlices(model.layout()) : 0;
      this.before = report || helper ? new double[theta.length] : null;
      this.global = segment.global();
    }

    /** The segment's step j. */
    void exactStep(Exchange exchange, int j) throws IOException {
      long t0 = System.nanoTime();
      StepPlan plan = new StepPlan(segment.epoch(), segment.firstStep() + j, segment.stepsPerEpoch(), global);
      GradientAccumulator local = exchange.local(plan, theta);
      double[] carry = carry();
      GradientAccumulator merged = exchange.allReduce(local, carry);
      if (pending != null) { // rank 0: the last step's update sums, from rank 1
        Segment.StepReport p = pending;
        reports.add(new Segment.StepReport(p.loss(), p.dataLoss(), p.gradNorm(), p.lr(), p.rows(), p.computeNanos(),
            LayerStats.of(model.layout(), pendingWeights, carry), p.nanos()));
        pending = null;
      }
      if (merged.weightSum() <= 0) {
        return; // no row (or only zero-weight rows) reached this step, as in Minibatch
      }
      double lr = segment.schedule().rateAt(global, segment.stepsPerEpoch());
      boolean last = j == segment.count() - 1;
      boolean keep = helped ? last : helper ? !last : before != null;
      Objective f = apply(merged, theta, state, rule, global, segment.epoch(), lr, keep ? before : null);
      if (helper && !last) {
        pendingUpdate = LayerStats.updateSums(model.layout(), before, theta);
      }
      if (helper || before == null) {
        global++;
        return;
      }
      if (helped && !last) {
        pendingWeights = LayerStats.weightSums(model.layout(), theta);
        pending = new Segment.StepReport(f.loss(), f.dataLoss(), f.gradNorm(), lr, merged.rows(),
            merged.computeNanos(), List.of(), System.nanoTime() - t0);
      } else {
        reports.add(new Segment.StepReport(f.loss(), f.dataLoss(), f.gradNorm(), lr, merged.rows(),
            merged.computeNanos(), LayerStats.measure(model.layout(), before, theta), System.nanoTime() - t0));
      }
      exchange.progress(global, f.loss(), last);
      global++;
    }

    /**
     * What this task adds to a step's exchange besides its sums: rank 1 its update sums of the last
     * step (none yet: -0.0), every other task -0.0; null with a single task.
     */
    private double[] carry() {
      if (carried == 0) {
        return null;
      }
      double[] carry = pendingUpdate;
      pendingUpdate = null;
      if (carry == null) {
        carry = new double[carried];
        Arrays.fill(carry, -0.0);
      }
      return carry;
    }

    /** The segment's job of the {@code count} local steps from its step j. */
    void averagedJob(Exchange exchange, int j, int count) throws IOException {
      long t0 = System.nanoTime();
      double[] rates = rates(segment.schedule(), global, count, segment.stepsPerEpoch());
      LocalPlan plan = new LocalPlan(segment.epoch(), segment.firstStep() + j, count, segment.stepsPerEpoch(), global);
      LocalUpdate merged = exchange.allReduce(exchange.localSteps(plan, theta, rates, regularizer), count);
      if (merged.weightSum() <= 0) {
        return; // as in LocalSteps
      }
      Objective[] f = applyAveraged(merged, theta, state, rule, global, segment.epoch(), rates,
          report ? before : null);
      if (report) {
        List<LayerStats> layers = LayerStats.measure(model.layout(), before, theta);
        long perStep = (System.nanoTime() - t0) / count;
        for (int i = 0; i < count; i++) {
          reports.add(new Segment.StepReport(f[i].loss(), f[i].dataLoss(), f[i].gradNorm(), rates[i],
              merged.rows() / count, merged.computeNanos() / count, layers, perStep));
        }
        exchange.progress(global + count - 1, f[count - 1].loss(), j + count == segment.count());
      }
      global += count;
    }
  }
}
