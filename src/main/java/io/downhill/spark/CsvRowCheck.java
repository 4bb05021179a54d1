package io.downhill.spark;

import io.downhill.BadInputException;
import io.downhill.data.Printable;
import java.net.URI;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;

/**
 * Checks one CSV row inside the tasks, as part of its label column (see {@link Sources}): a line
 * Spark's parser flagged (a field that is not a number, more or fewer fields than the header), an
 * empty cell, NaN or an infinity in any column is a {@link BadInputException} naming the file, the
 * column and the line or row; otherwise the label. The row holds every column of the header, in
 * order, then the corrupt-record column (the raw line, or null when the line parsed).
 */
final class CsvRowCheck implements UDF2<Row, String, Double> {
  private static final long serialVersionUID = 1L;
  private final String spec;
  private final String specFile;
  private final String[] header;
  private final int labelIndex;

  /** {@code specFile}: the last name of the spec's path; rows of other files (in a directory) name theirs. */
  CsvRowCheck(String spec, String specFile, String[] header, int labelIndex) {
    this.spec = spec;
    this.specFile = specFile;
    this.header = header.clone();
    this.labelIndex = labelIndex;
  }

  @Override
  public Double call(Row row, String file) {
    String where = where(file);
    String line = row.isNullAt(header.length) ? null : row.getString(header.length);
    if (line != null) {
      throw malformed(where, row, line, file);
    }
    for (int i = 0; i < header.length; i++) {
      if (row.isNullAt(i)) {
        throw BadInputException.of(where + ", column '" + header[i] + "'", "missing value",
            "a number in every row", "an empty cell (row: " + values(row) + ")");
      }
      double v = row.getDouble(i);
      if (!Double.isFinite(v)) {
        throw BadInputException.of(where + ", column '" + header[i] + "'", "value is not finite",
            "a finite number", v + " (row: " + values(row) + ")");
      }
    }
    return row.getDouble(labelIndex);
  }

  private BadInputException malformed(String where, Row row, String line, String file) {
    String shown = "line \"" + Printable.abbreviate(line, 80) + "\"";
    if (line.indexOf('"') < 0) { // unquoted: the fields are the comma-separated pieces, as Spark split them
      String[] fields = line.split(",", -1);
      if (fields.length != header.length) {
        return new LineProblem(where, "", "wrong number of fields: expected " + header.length + " (as the header "
            + String.join(",", header) + "), found " + fields.length + " in " + shown, file, line);
      }
      for (int i = 0; i < header.length; i++) {
        if (row.isNullAt(i) && !fields[i].isBlank()) {
          return new LineProblem(where, ", column '" + header[i] + "'", "value is not a number: expected a number, "
              + "found '" + Printable.abbreviate(fields[i].trim(), 40) + "' in " + shown, file, line);
        }
      }
    }
    return new LineProblem(where, "", "malformed line: expected " + header.length + " numbers (columns "
        + String.join(",", header) + "), found " + shown, file, line);
  }

  /**
   * A line Spark's CSV parser rejected; {@link #locate} adds its line number (a pass over the
   * file's text, made only on this failure: Spark's distributed CSV reader knows no line numbers).
   */
  static final class LineProblem extends BadInputException {
    private static final long serialVersionUID = 1L;
    private final String where;
    private final String column;
    private final String problem;
    private final String file;
    private final String line;

    LineProblem(String where, String column, String problem, String file, String line) {
      super(where + column + ": " + problem);
      this.where = where;
      this.column = column;
      this.problem = problem;
      this.file = file;
      this.line = line;
    }

    /** The same error with ", line N" after the file, when the line is found; else this one. */
    BadInputException locate(org.apache.spark.sql.SparkSession spark) {
      try {
        String path = new org.apache.hadoop.fs.Path(URI.create(file)).toString(); // decoded, as Hadoop parses it
        String wanted = line;
        java.util.List<Long> found = spark.read().textFile(path).javaRDD().zipWithIndex()
            .filter(t -> t._1().equals(wanted)).map(t -> t._2()).take(1);
        if (!found.isEmpty()) {
          BadInputException located = new BadInputException(where + ", line " + (found.get(0) + 1) + column + ": "
              + problem, this);
          return located;
        }
      } catch (RuntimeException e) { // the diagnosis is a courtesy: the error stands without it
        addSuppressed(e);
      }
      return this;
    }
  }

  /** The spec, and the file's name when it is another than the spec's own (a directory of files). */
  private String where(String file) {
    if (file == null || file.isEmpty()) {
      return spec;
    }
    String name;
    try {
      String path = URI.create(file).getPath();
      name = path.substring(path.lastIndexOf('/') + 1);
    } catch (IllegalArgumentException e) {
      name = file.substring(file.lastIndexOf('/') + 1);
    }
    return name.equals(specFile) ? spec : spec + ", file " + name;
  }

  private String values(Row row) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < header.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      if (!row.isNullAt(i)) {
        double v = row.getDouble(i);
        b.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
      }
    }
    return Printable.abbreviate(b.toString(), 80);
  }
}
