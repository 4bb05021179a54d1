package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.DataSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

/**
 * A table with its features as one ML vector column {@link #NAME}, and the columns that were
 * assembled into it (null when there was a features column). Shared by training's and scoring's
 * readers, so both take the same columns as features.
 *
 * @param frame     the table with the vector column added
 * @param assembled the numeric columns assembled into it, in order, or null
 */
record FeatureColumn(Dataset<Row> frame, String[] assembled) {
  /** The vector column added to the table. */
  static final String NAME = "features_v";

  /**
   * The features of a table: the column {@code featuresCol} when there is one (an ML vector, or an
   * array of numbers; a null array stays null for the row checks to report), else every numeric
   * column except {@code excluded} (nulls in it are ignored), assembled by MLlib's VectorAssembler
   * ("keep": an empty cell becomes NaN, which the row checks report).
   */
  static FeatureColumn of(DataSpec spec, Dataset<Row> raw, String featuresCol, List<String> excluded) {
    List<String> columns = Arrays.asList(raw.columns());
    if (columns.contains(featuresCol)) {
      StructField field = raw.schema().apply(featuresCol);
      Column vector;
      if (field.dataType() instanceof ArrayType array && array.elementType() instanceof NumericType) {
        // array_to_vector fails on a null array: null stays null, for the row checks to report
        vector = when(col(featuresCol).isNotNull(), org.apache.spark.ml.functions.array_to_vector(col(featuresCol)));
      } else if (field.dataType().equals(SQLDataTypes.VectorType())) {
        vector = col(featuresCol);
      } else {
        throw BadInputException.of(spec.text(), "features column has the wrong type",
            "an ML vector or an array of numbers in '" + featuresCol + "'", field.dataType().simpleString());
      }
      return new FeatureColumn(raw.withColumn(NAME, vector), null);
    }
    List<String> numeric = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      if (f.dataType() instanceof NumericType && !excluded.contains(f.name())) {
        numeric.add(f.name());
      }
    }
    if (numeric.isEmpty()) {
      throw BadInputException.of(spec.text(), "no feature columns", "a vector column '" + featuresCol
          + "' (--features-col) or numeric columns besides " + String.join(", ", excluded.stream()
              .filter(Objects::nonNull).toList()), "columns " + columns);
    }
    String[] assembled = numeric.toArray(new String[0]);
    return new FeatureColumn(new VectorAssembler().setInputCols(assembled).setOutputCol(NAME)
        .setHandleInvalid("keep").transform(raw), assembled);
  }
}
