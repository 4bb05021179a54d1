package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.Labels;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.api.java.UDF2;

/**
 * Checks each training row's features inside the tasks, as part of the features column (see
 * {@link Sources}): present, of the first row's length d, finite. Returns the vector unchanged;
 * a bad row is a {@link BadInputException} naming its label and the column.
 */
final class FeatureCheck implements UDF2<Vector, Double, Vector> {
  private static final long serialVersionUID = 1L;
  private final String where;
  private final String column;
  private final String[] columns;
  private final int d;

  /** {@code column}: the vector column's name, or null when {@code columns} were assembled into it. */
  FeatureCheck(String where, String column, String[] columns, int d) {
    this.where = where;
    this.column = column;
    this.columns = columns;
    this.d = d;
  }

  @Override
  public Vector call(Vector v, Double label) {
    String row = "row with label " + (label == null ? "null" : Labels.format(label));
    if (v == null) {
      throw BadInputException.of(where + ", " + row, "missing features", d + " numbers in '" + column + "'", "null");
    }
    if (v.size() != d) {
      throw BadInputException.of(where + ", " + row, "rows of different lengths in '" + column + "'",
          d + " features in every row (as in the first)", v.size() + " features");
    }
    double[] values = v instanceof SparseVector sv ? sv.values() : v.toArray();
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        int index = v instanceof SparseVector sv ? sv.indices()[i] : i;
        boolean empty = Double.isNaN(values[i]) && columns != null;
        String at = columns != null ? "column '" + columns[index] + "'" : "'" + column + "' index " + index;
        throw BadInputException.of(where + ", " + row + ", " + at, empty ? "missing or non-finite value"
            : "non-finite feature value", "a finite number", empty ? "an empty cell or NaN" : Double.toString(values[i]));
      }
    }
    return v;
  }
}
