package io.downhill.shard;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import io.downhill.model.Workspace;
import java.util.Arrays;

/**
 * One thread's reusable buffers for minibatch arithmetic: the gathered rows, labels (or
 * regression targets) and weights, the parameters in compute precision, their gradient, and the scores. An executor
 * keeps one per task thread ({@link #forThread()}), so steady-state steps allocate only what
 * they return.
 */
final class Scratch {
  private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

  final Workspace workspace = new Workspace();
  Buf params;
  Buf grad;
  Buf batch;
  int[] labels = new int[0];
  /** Real-valued targets of regression rows (a loss with {@code regression()} reads these, not labels). */
  double[] targets = new double[0];
  double[] weights = new double[0];
  double[] scores = new double[0];
  double[] dScores = new double[0];
  /** A zeroed bit set over feature columns ({@link io.downhill.linalg.Csr#distinctColumns}). */
  long[] marks = new long[0];
  /** Whether {@link #grad} is known to be all zeros (a row-sparse step zeroed what it wrote). */
  boolean gradClean;
  /**
   * Where a training step's batch statistics go ({@code Model#accumulateStats}): set by the step
   * for a model with stateful layers, null otherwise (evaluations and local steps gather none).
   */
  double[] stats;

  static Scratch forThread() {
    return PER_THREAD.get();
  }

  /** Parameters rounded to {@code precision}, in this thread's reused buffer (local steps update their own copy). */
  Buf params(double[] values, Precision precision) {
    params = Buf.ensure(params, precision, values.length);
    params.copyFrom(values, values.length);
    return params;
  }

  /**
   * A zeroed gradient buffer of exactly {@code length} values in {@code precision}: exactly, because
   * a step hands it over as the partition's result (see {@link GradientAccumulator}).
   */
  Buf zeroGrad(Precision precision, int length) {
    if (grad == null || grad.precision() != precision || grad.length() != length) {
      grad = Buf.allocate(precision, length);
    } else if (!gradClean) {
      grad.zero(length);
    }
    gradClean = false; // the caller writes into it, and may hand it over
    return grad;
  }

  long[] marks(int columns) {
    int words = (columns + 63) >>> 6;
    if (marks.length < words) {
      marks = new long[words];
    }
    return marks;
  }

  Buf batch(Precision precision, int length) {
    batch = Buf.ensure(batch, precision, length);
    return batch;
  }

  void ensureRows(int n, int outputs) {
    if (labels.length < n) {
      labels = new int[n];
      targets = new double[n];
      weights = new double[n];
    }
    if (scores.length < n * outputs) {
      scores = new double[n * outputs];
      dScores = new double[n * outputs];
    }
  }

  /** Sets weights[0..n) to 1. */
  void unitWeights(int n) {
    Arrays.fill(weights, 0, n, 1.0);
  }
}
