package io.downhill.model;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;

/**
 * The architecture of a row of version 2, written before models were layer lists: the hidden
 * widths, the activation and the dropout as fields of their own ({@code hidden},
 * {@code activation}, {@code dropout}), read as the {@link ModelSpec#mlp} they describe. Its
 * layout entries carry a {@code regularized} flag where version 3 has a role; the slices' names,
 * offsets and shapes are checked the same way.
 */
final class ModelRowV2 {
  static final int VERSION = 2;

  private ModelRowV2() {}

  /** The architecture; invalid sizes, dropout or activation throw {@link IllegalArgumentException}. */
  static ModelSpec spec(Group g, String where) {
    List<Integer> hidden = new ArrayList<>();
    for (int i = 0; i < g.getFieldRepetitionCount("hidden"); i++) {
      hidden.add(g.getInteger("hidden", i));
    }
    return ModelSpec.mlp(g.getInteger("inputs", 0), hidden, g.getInteger("outputs", 0),
        ModelRow.text(g, "activation", where), g.getDouble("dropout", 0));
  }
}
