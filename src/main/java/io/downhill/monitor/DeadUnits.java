package io.downhill.monitor;

import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import io.downhill.model.Activation;
import io.downhill.model.Layer;
import io.downhill.model.Model;
import io.downhill.model.Pass;
import io.downhill.model.Workspace;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dead ReLUs: hidden units whose output is zero for every row of a sample, so that no gradient
 * reaches their weights again (the lecture's warning about too high a learning rate or a bad
 * initialization). Measured after training on the driver, from a forward pass over the sample.
 */
public final class DeadUnits {
  private DeadUnits() {}

  /**
   * Per ReLU layer ({@code h1, h2, ...}), the fraction of its units that output zero on every row
   * of {@code rows} at θ; empty for linear models and other activations.
   */
  public static Map<String, Double> fractions(Model model, double[] theta, Shard rows) {
    Map<String, Double> out = new LinkedHashMap<>();
    Shard sample = rows.blocks().size() == 1 ? rows : rows.head(rows.rows()); // one block: one forward pass
    int n = sample.rows();
    if (n == 0) {
      return out;
    }
    Buf params = Buf.allocate(sample.precision(), theta.length);
    params.copyFrom(theta, theta.length);
    Workspace ws = new Workspace();
    var block = sample.blocks().get(0);
    if (block.isSparse()) {
      model.forward(params, block.sparse(), ws, Pass.EVAL);
    } else {
      model.forward(params, block.x(), 0, n, ws, Pass.EVAL);
    }
    int hidden = 0;
    for (int i = 0; i < model.layers().size(); i++) {
      Layer layer = model.layers().get(i);
      if (!(layer instanceof Activation a)) {
        continue;
      }
      hidden++;
      if (!a.function().name().equals("relu")) {
        continue;
      }
      int h = a.outputs();
      Buf y = ws.output(i);
      int dead = 0;
      for (int j = 0; j < h; j++) {
        boolean alive = false;
        for (int r = 0; r < n && !alive; r++) {
          alive = y.get(r * h + j) > 0;
        }
        dead += alive ? 0 : 1;
      }
      out.put("h" + hidden, (double) dead / h);
    }
    return out;
  }
}
