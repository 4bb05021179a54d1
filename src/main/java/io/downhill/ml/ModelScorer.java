package io.downhill.ml;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import io.downhill.model.Model;
import io.downhill.model.ModelSpec;
import io.downhill.model.Pass;
import io.downhill.model.Workspace;

/**
 * The forward pass of a fitted model on one row, in the precision it was trained in, with a
 * workspace per thread (the tasks of one executor share the model): the scores a classifier turns
 * into classes and a regressor returns as they are.
 */
final class ModelScorer {
  private final Model model;
  private final Buf params;
  private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);
  private final ThreadLocal<Buf> rows;

  ModelScorer(ModelSpec spec, Precision precision, double[] theta) {
    this.model = Model.of(spec);
    this.params = Buf.allocate(precision, theta.length);
    params.copyFrom(theta, theta.length);
    this.rows = ThreadLocal.withInitial(() -> Buf.allocate(precision, model.inputs()));
  }

  /** The model's outputs {@code f(x)} for one row {@code x} (d values). */
  double[] scores(double[] x) {
    Buf row = rows.get();
    row.copyFrom(x, x.length);
    Workspace ws = workspaces.get();
    Buf out = model.forward(params, row, 0, 1, ws, Pass.EVAL); // (1 x outputs)
    double[] scores = new double[model.outputs()];
    out.copyTo(0, scores, scores.length);
    return scores;
  }
}
