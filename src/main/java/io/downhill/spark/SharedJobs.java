package io.downhill.spark;

import io.downhill.loss.Regularizer;
import io.downhill.shard.Evaluation;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import io.downhill.shard.Rounds;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.shard.StepPlan;
import io.downhill.train.ClosableGradientSource;
import io.downhill.train.GradientSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Several training runs (the trials of a hyperparameter search) advancing together over one
 * cached, blocked copy of the data: every Spark job carries the pending work of every live run,
 * and each task computes all of it on its shard, one run after another, before returning. A
 * search of T trials then pays Spark's per-job cost (scheduling, task launch, results to the
 * driver, about 2-5 ms on a laptop, see docs/BENCHMARKS.md) once per step instead of T times, and
 * reads each shard's rows while they are still in cache for the next run.
 *
 * <p>How the runs meet: each run's {@link io.downhill.train.Trainer} runs on its own driver thread
 * with a {@link Member} as its {@link GradientSource}. A member's call hands its work over and
 * waits; when every live member has handed one in (a barrier), the last to arrive runs the jobs:
 * one per split the works read (minibatch gradients and training evaluations over the training
 * shards, validation evaluations over the validation shards), and wakes the others with their
 * results. A run that ends leaves, and the barrier counts only the runs still live. Each run's
 * results are exactly those it would get alone: the works are the same, only the jobs are shared.
 */
public final class SharedJobs {
  private final JavaSparkContext jsc;
  private final TrainingData data;
  private final Map<Member, SparkGradientSource.Work<?>> pending = new LinkedHashMap<>();
  private final Map<Member, Object> results = new java.util.HashMap<>();
  private int live;
  private long jobs;
  private long works;
  private double jobSeconds;
  /** The largest member's parameter count: sizes the results for the tree depth. */
  private int maxParams;

  public SharedJobs(JavaSparkContext jsc, TrainingData data) {
    this.jsc = jsc;
    this.data = data;
  }

  /**
   * A new member computing with {@code computer}; it counts as live (the barrier waits for it) until
   * closed. It evaluates only the splits in {@code evaluated} (a search needs the validation split
   * alone); the others read as absent.
   */
  public synchronized Member join(ShardComputer computer, java.util.Set<Split> evaluated) {
    live++;
    return new Member(new SparkGradientSource(jsc, data, computer), java.util.Set.copyOf(evaluated));
  }

  /** Spark jobs run so far. */
  public synchronized long jobs() {
    return jobs;
  }

  /** Works (one run's step or evaluation) computed so far: the jobs the runs would have needed alone. */
  public synchronized long works() {
    return works;
  }

  /** Wall time spent in the shared jobs. */
  public synchronized double jobSeconds() {
    return jobSeconds;
  }

  private synchronized Object submit(Member member, SparkGradientSource.Work<?> work) throws InterruptedException {
    pending.put(member, work);
    if (pending.size() >= live) {
      runPending();
    }
    while (!results.containsKey(member)) {
      wait();
    }
    Object r = results.remove(member);
    if (r instanceof Failure f) {
      throw f.rethrow();
    }
    return r;
  }

  private synchronized void leave(Member member) {
    live--;
    if (!pending.isEmpty() && pending.size() >= live) {
      runPending();
    }
  }

  /** The pending works, one job per split they read; results (or the job's failure) to every member. */
  private void runPending() {
    Map<Split, List<Member>> bySplit = new LinkedHashMap<>();
    pending.forEach((m, w) -> bySplit.computeIfAbsent(w.split(), s -> new ArrayList<>()).add(m));
    for (Map.Entry<Split, List<Member>> group : bySplit.entrySet()) {
      List<Member> members = group.getValue();
      List<SparkGradientSource.Work<?>> batch = new ArrayList<>();
      for (Member m : members) {
        batch.add(pending.get(m));
      }
      long t0 = System.nanoTime();
      try {
        Object[] out = runTogether(group.getKey(), batch);
        for (int i = 0; i < members.size(); i++) {
          results.put(members.get(i), out[i]);
        }
      } catch (RuntimeException | Error e) {
        for (Member m : members) {
          results.put(m, new Failure(e));
        }
      }
      jobSeconds += (System.nanoTime() - t0) / 1e9;
      jobs++;
      works += batch.size();
    }
    pending.clear();
    notifyAll();
  }

  /** One job: every task runs each work's body on its shard in turn; results merged work by work. */
  private Object[] runTogether(Split split, List<SparkGradientSource.Work<?>> batch) {
    int n = batch.size();
    @SuppressWarnings("unchecked")
    PartitionJob.Body<Object>[] bodies = new PartitionJob.Body[n];
    @SuppressWarnings("unchecked")
    PartitionJob.Merge<Object>[] merges = new PartitionJob.Merge[n];
    long steps = 0;
    for (int i = 0; i < n; i++) {
      @SuppressWarnings("unchecked")
      SparkGradientSource.Work<Object> w = (SparkGradientSource.Work<Object>) batch.get(i);
      bodies[i] = w.body();
      merges[i] = w.merge();
      steps += batch.get(i).type() == Evaluation.class ? 0 : 1;
    }
    String what = String.format("downhill: %d runs together (%d steps, %d evaluations of %s)", n, steps, n - steps,
        split.key());
    jsc.setJobGroup(steps > 0 ? SparkGradientSource.STEP_GROUP : SparkGradientSource.EVAL_GROUP, what, false);
    jsc.setCallSite(what);
    PartitionJob.Body<Object[]> body = (shard, p) -> {
      Object[] r = new Object[bodies.length];
      for (int i = 0; i < bodies.length; i++) {
        r[i] = bodies[i].apply(shard, p);
        if (r[i] instanceof GradientAccumulator g) {
          r[i] = g.detached(); // its buffer is the thread's scratch, which the next run's gradient reuses
        }
      }
      return r;
    };
    PartitionJob.Merge<Object[]> merge = (a, b) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] = a[i] == null ? b[i] : b[i] == null ? a[i] : merges[i].apply(a[i], b[i]);
      }
      return a;
    };
    Object[] out = SparkGradientSource.perPartition(SparkGradientSource.shards(data, split), depth(batch), body, merge, Object[].class);
    return out != null ? out : new Object[n];
  }

  /** The tree depth for results the size of all the works' gradients together. */
  private int depth(List<SparkGradientSource.Work<?>> batch) {
    return SparkGradientSource.treeDepth(data.train().getNumPartitions(), 8L * batch.size() * maxParams);
  }

  private record Failure(Throwable error) {
    RuntimeException rethrow() {
      return error instanceof RuntimeException r ? r : new IllegalStateException(error);
    }
  }

  /** One run's view: a {@link GradientSource} whose calls wait for the shared jobs. Close it when the run ends. */
  public final class Member implements ClosableGradientSource {
    private final SparkGradientSource source;
    private final java.util.Set<Split> evaluated;
    private boolean closed;

    private Member(SparkGradientSource source, java.util.Set<Split> evaluated) {
      this.source = source;
      this.evaluated = evaluated;
      synchronized (SharedJobs.this) {
        maxParams = Math.max(maxParams, source.parameters());
      }
    }

    @Override
    public long trainRows() {
      return source.trainRows();
    }

    @Override
    public int partitions() {
      return source.partitions();
    }

    @Override
    public GradientAccumulator gradient(double[] theta, StepPlan plan) {
      return Rounds.run(known -> (GradientAccumulator) await(source.gradientWork(theta, plan, known)));
    }

    @Override
    public LocalUpdate localSteps(double[] theta, LocalPlan plan, double[] rates, Regularizer reg) {
      return (LocalUpdate) await(source.localStepsWork(theta, plan, rates, reg));
    }

    @Override
    public Evaluation evaluate(double[] theta, Split split) {
      SparkGradientSource.Work<Evaluation> work = evaluated.contains(split) ? source.evaluateWork(theta, split) : null;
      return work == null ? null : (Evaluation) await(work);
    }

    private Object await(SparkGradientSource.Work<?> work) {
      try {
        return submit(this, work);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the shared job", e);
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        leave(this);
        source.close();
      }
    }
  }
}
