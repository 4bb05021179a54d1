package io.downhill.shard;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.loss.Loss;
import io.downhill.model.Model;
import io.downhill.model.Pass;

/**
 * The arithmetic of one minibatch, shared by training, evaluation and gradient checks:
 * forward pass, data loss, and (optionally) backward pass.
 */
final class BatchGradient {
  private BatchGradient() {}

  /**
   * Returns {@code Σ_i w_i L_i} over {@code n} rows of {@code x} (from {@code xOff}), with labels
   * (a regression loss: targets, {@code s.targets[0..n)}) and weights in {@code s.labels[0..n)} and
   * {@code s.weights[0..n)}. Leaves the scores in
   * {@code s.scores}. When {@code grad} is not null, adds {@code ∂(Σ_i w_i L_i)/∂θ} into it.
   */
  static double lossSum(Model model, Loss loss, Buf params, Buf x, int xOff, int n, Buf grad, Scratch s, Pass pass) {
    int c = model.outputs();
    s.ensureRows(n, c);
    Buf out = model.forward(params, x, xOff, n, s.workspace, pass);
    out.copyTo(0, s.scores, n * c);
    if (s.stats != null) {
      model.accumulateStats(params, x, xOff, n, s.workspace, s.stats);
    }
    double sum = dataLoss(loss, n, c, s, grad != null);
    if (grad != null) {
      s.workspace.outputGradient().copyFrom(s.dScores, n * c);
      model.backward(params, x, xOff, n, grad, s.workspace, pass);
    }
    return sum;
  }

  /** The same for the rows of a sparse batch ({@code x.rows()} of them). */
  static double lossSum(Model model, Loss loss, Buf params, Csr x, Buf grad, Scratch s, Pass pass) {
    int n = x.rows();
    int c = model.outputs();
    s.ensureRows(n, c);
    Buf out = model.forward(params, x, s.workspace, pass);
    out.copyTo(0, s.scores, n * c);
    if (s.stats != null) {
      model.accumulateStats(params, null, 0, n, s.workspace, s.stats);
    }
    double sum = dataLoss(loss, n, c, s, grad != null);
    if (grad != null) {
      s.workspace.outputGradient().copyFrom(s.dScores, n * c);
      model.backward(params, x, grad, s.workspace, pass);
    }
    return sum;
  }

  /** The loss over the scores in the scratch, reading its labels or, for a regression loss, its targets. */
  private static double dataLoss(Loss loss, int n, int c, Scratch s, boolean gradient) {
    double[] dScores = gradient ? s.dScores : null;
    return loss.regression() ? loss.lossSum(s.scores, n, c, s.targets, s.weights, dScores)
        : loss.lossSum(s.scores, n, c, s.labels, s.weights, dScores);
  }
}
