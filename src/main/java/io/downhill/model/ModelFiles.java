package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.Type;

/**
 * The data of a trained model, the way Spark ML stores a model's data: one row of Parquet in
 * {@code DIR/data/}, beside Spark's {@code DIR/metadata/} (written by the Spark ML writer,
 * {@code io.downhill.ml}) and an optional {@code DIR/summary.json}. The row holds the architecture,
 * loss, classes and their names, the parameter layout, the precision, θ (float64) with its CRC32,
 * and caller fields as JSON. Spark reads it back as a DataFrame ({@code spark.read.parquet(DIR/data)});
 * Downhill reads and writes it with parquet-hadoop through Hadoop's FileSystem API, so the
 * command line, the reports and the tests need no SparkSession, and any Hadoop path works.
 *
 * <p>Loading checks every field: the layout against the architecture, θ's length and checksum,
 * the class names against the class count; then the row's own checksum (an edit that stays
 * consistent: other class names, another loss) and the manifest of the model's other files
 * (Spark's metadata, the summary, the earlier stages of a PipelineModel: size and CRC32 each), so
 * that a damaged folder is one {@link BadInputException} naming the file before Spark reads it.
 * Rows written before the checksum and the manifest existed have neither and are read as before
 * (docs/SPARK-ML.md, "Integrity of a saved model"). No Java serialization anywhere.
 */
public final class ModelFiles {
  public static final String FORMAT = "downhill-model";
  public static final int VERSION = 2;
  public static final String DATA = "data";
  public static final String SUMMARY = "summary.json";
  static final String PART = "part-00000.parquet";
  /** The row's fields for the manifest of the model's other files and the checksum of the row itself. */
  static final String FILES = "files";
  static final String CHECKSUM = "checksum";
  /** The Spark ML class whose saved stages hold this data. */
  static final String STAGE_CLASS = "io.downhill.ml.DownhillClassificationModel";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message downhill_model {
        required binary format (UTF8);
        required int32 version;
        required int32 inputs;
        repeated int32 hidden;
        required int32 outputs;
        required binary activation (UTF8);
        required double dropout;
        required binary loss (UTF8);
        required int32 classes;
        repeated binary class_names (UTF8);
        required boolean plus_minus_one;
        required binary precision (UTF8);
        repeated group layout {
          required binary name (UTF8);
          required int32 offset;
          required int32 rows;
          required int32 cols;
          required boolean regularized;
        }
        repeated double theta;
        required binary theta_crc32 (UTF8);
        required binary extra (UTF8);
        optional binary files (UTF8);
        optional binary checksum (UTF8);
      }""");

  private ModelFiles() {}

  /**
   * A model as stored.
   *
   * @param loss         softmax, svm or logistic
   * @param classes      k
   * @param classNames   a name per class (k names; "0".."k-1" when the data had none)
   * @param plusMinusOne whether raw labels were -1/+1
   * @param precision    the compute precision it was trained in (and is evaluated in)
   * @param extra        caller fields (data, preprocessing, image shape ...), kept as JSON
   */
  public record Saved(ModelSpec spec, String loss, int classes, List<String> classNames, boolean plusMinusOne,
      String precision, double[] theta, ObjectNode extra) {}

  /** Class names "0".."k-1". */
  public static List<String> indexNames(int classes) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add(Integer.toString(c));
    }
    return names;
  }

  /** A fresh JSON object for {@link Saved#extra()}. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  public static void save(java.nio.file.Path dir, Saved model) throws IOException {
    save(hadoopPath(dir), model, new Configuration());
  }

  /**
   * Writes {@code dir/data/} (replacing it); {@code dir} is any Hadoop path. Every other file of the
   * saved model already there (Spark's metadata, the summary, the earlier stages of a saved
   * {@code PipelineModel} when {@code dir} is one of its stages) is listed in the row with its size
   * and CRC32, and the row carries a checksum of its own fields: see {@link #load}.
   */
  public static void save(String dir, Saved model, Configuration conf) throws IOException {
    ParameterLayout layout = Model.of(model.spec()).layout();
    if (layout.size() != model.theta().length) {
      throw new IllegalArgumentException("θ has " + model.theta().length + " values, the layout " + layout.size());
    }
    if (model.classNames().size() != model.classes()) {
      throw new IllegalArgumentException(model.classNames().size() + " class names for " + model.classes() + " classes");
    }
    Map<String, Object> r = record(model, layout);
    r.put(FILES, ModelManifest.of(new org.apache.hadoop.fs.Path(dir), conf));
    writeRecord(dir, r, conf);
  }

  /**
   * The row as field → value (lists for repeated fields, maps for layout entries), with an empty
   * file manifest. Package-private for tests.
   */
  static Map<String, Object> record(Saved model, ParameterLayout layout) throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("format", FORMAT);
    r.put("version", VERSION);
    r.put("inputs", model.spec().inputs());
    r.put("hidden", List.copyOf(model.spec().hidden()));
    r.put("outputs", model.spec().outputs());
    r.put("activation", model.spec().activation().label());
    r.put("dropout", model.spec().dropout());
    r.put("loss", model.loss());
    r.put("classes", model.classes());
    r.put("class_names", List.copyOf(model.classNames()));
    r.put("plus_minus_one", model.plusMinusOne());
    r.put("precision", model.precision());
    List<Map<String, Object>> slices = new ArrayList<>();
    for (ParameterLayout.Slice s : layout.slices()) {
      Map<String, Object> slice = new LinkedHashMap<>();
      slice.put("name", s.name());
      slice.put("offset", s.offset());
      slice.put("rows", s.rows());
      slice.put("cols", s.cols());
      slice.put("regularized", s.regularized());
      slices.add(slice);
    }
    r.put("layout", slices);
    r.put("theta", model.theta());
    r.put("theta_crc32", crc(model.theta()));
    r.put("extra", JSON.writeValueAsString(model.extra() == null ? object() : model.extra()));
    r.put(FILES, "[]");
    return r;
  }

  /**
   * Writes the row. Without a {@value #CHECKSUM} entry in {@code r} the checksum of the row is
   * computed and written; an entry mapped to null leaves the field out (the format before it had
   * one); a string is written as given.
   */
  @SuppressWarnings("unchecked")
  static void writeRecord(String dir, Map<String, Object> r, Configuration conf) throws IOException {
    org.apache.hadoop.fs.Path data = new org.apache.hadoop.fs.Path(dir, DATA);
    FileSystem fs = data.getFileSystem(conf);
    fs.delete(data, true);
    fs.mkdirs(data);
    Group g = new SimpleGroupFactory(SCHEMA).newGroup();
    for (Map.Entry<String, Object> e : r.entrySet()) {
      String field = e.getKey();
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      if (v instanceof double[] values) {
        for (double x : values) {
          g.add(field, x);
        }
      } else if (v instanceof List<?> list) {
        for (Object item : list) {
          if (item instanceof Map<?, ?> m) {
            Group slice = g.addGroup(field);
            ((Map<String, Object>) m).forEach((k, x) -> add(slice, k, x));
          } else {
            add(g, field, item);
          }
        }
      } else {
        add(g, field, v);
      }
    }
    if (!r.containsKey(CHECKSUM)) {
      g.add(CHECKSUM, checksum(g));
    }
    try (ParquetWriter<Group> w = ExampleParquetWriter
        .builder(HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(data, PART), conf)).withConf(conf)
        .withType(SCHEMA).withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
      w.write(g);
    }
  }

  private static void add(Group g, String field, Object v) {
    if (v instanceof String s) {
      g.add(field, s);
    } else if (v instanceof Integer i) {
      g.add(field, i);
    } else if (v instanceof Double d) {
      g.add(field, d);
    } else if (v instanceof Boolean b) {
      g.add(field, b);
    } else {
      throw new IllegalArgumentException(field + ": " + v.getClass());
    }
  }

  public static Saved load(java.nio.file.Path dir) {
    return load(hadoopPath(dir), new Configuration());
  }

  /**
   * {@code file:/abs/path}, not percent-encoded: Hadoop's {@code Path(String)} encodes it, so a
   * space, a literal {@code %20} or a {@code :} in a folder name stays what it is (as
   * {@code spark.HadoopOpener.local}).
   */
  private static String hadoopPath(java.nio.file.Path dir) {
    return "file:" + dir.toAbsolutePath().normalize();
  }

  /**
   * Reads the model in {@code dir}: a Downhill model directory (with {@code data/}), or a saved
   * {@code PipelineModel} whose last Downhill stage is read. Every defect is a
   * {@link BadInputException} naming the file: a stage or file missing, Parquet that cannot be
   * read, a Hadoop checksum error (a {@code .crc} side file that no longer matches), a field that
   * contradicts the architecture, θ failing its CRC32, the row failing its checksum, and any file
   * listed in the row's manifest (Spark's metadata, the summary, the other stages' data) missing,
   * of another size or failing its CRC32. A row written before the manifest and the checksum
   * existed has neither and is read without them.
   */
  public static Saved load(String dir, Configuration conf) {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
    org.apache.hadoop.fs.Path data;
    FileSystem fs;
    try {
      fs = root.getFileSystem(conf);
      data = locate(root, fs);
    } catch (IOException e) {
      throw BadInputException.of(dir, "cannot read the model directory", "a readable directory", oneLine(e));
    }
    String where = data.toString();
    Group g;
    try {
      if (!fs.isDirectory(data)) {
        throw BadInputException.of(where, "model data missing", "a directory with the model's Parquet row",
            "nothing there");
      }
      FileStatus part = null;
      for (FileStatus s : fs.listStatus(data)) {
        if (s.getPath().getName().endsWith(".parquet")) {
          part = s;
        }
      }
      if (part == null) {
        throw BadInputException.of(where, "model data missing", "a Parquet file", "none");
      }
      where = part.getPath().toString();
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), part.getPath()).withConf(conf)
          .build()) {
        g = reader.read();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof BadInputException bad) {
        throw bad;
      }
      ChecksumException sum = ModelManifest.checksumError(e);
      if (sum != null) {
        throw ModelManifest.corrupt(where, sum);
      }
      throw BadInputException.of(where, "unreadable model data", "a Parquet file written by Downhill", oneLine(e));
    }
    if (g == null) {
      throw BadInputException.of(where, "model data is empty", "one row", "no rows");
    }
    Saved saved = parse(g, where);
    if (g.getType().containsField(FILES) && g.getFieldRepetitionCount(FILES) > 0) { // none before manifests existed
      ModelManifest.verify(g.getString(FILES, 0), data.getParent(), fs, where);
    }
    return saved;
  }

  /**
   * {@code dir/data}, or the data of the Downhill stage of a saved PipelineModel in {@code dir}
   * (found through the pipeline's metadata: a missing stage or stage metadata is named).
   */
  private static org.apache.hadoop.fs.Path locate(org.apache.hadoop.fs.Path dir, FileSystem fs) throws IOException {
    org.apache.hadoop.fs.Path data = new org.apache.hadoop.fs.Path(dir, DATA);
    if (fs.isDirectory(data)) {
      return data;
    }
    org.apache.hadoop.fs.Path stages = new org.apache.hadoop.fs.Path(dir, "stages");
    if (!fs.isDirectory(stages)) {
      throw BadInputException.of(dir.toString(), "not a saved model",
          "a directory with " + DATA + "/ (a Downhill model) or stages/ with a Downhill stage (a PipelineModel)",
          fs.exists(dir) ? "neither" : "nothing there");
    }
    JsonNode pipeline = metadata(new org.apache.hadoop.fs.Path(dir, "metadata"), fs, "pipeline metadata");
    JsonNode uids = pipeline.path("paramMap").path("stageUids");
    if (!uids.isArray()) {
      throw BadInputException.of(new org.apache.hadoop.fs.Path(dir, "metadata").toString(), "invalid pipeline metadata",
          "a PipelineModel's metadata with paramMap.stageUids", "class " + pipeline.path("class").asText("none"));
    }
    org.apache.hadoop.fs.Path found = null;
    for (int i = 0; i < uids.size(); i++) {
      org.apache.hadoop.fs.Path stage = new org.apache.hadoop.fs.Path(stages, i + "_" + uids.get(i).asText());
      if (!fs.isDirectory(stage)) {
        throw BadInputException.of(stage.toString(), "pipeline stage missing",
            "stage " + i + " of " + uids.size() + " that the pipeline's metadata lists", "nothing there");
      }
      JsonNode meta = metadata(new org.apache.hadoop.fs.Path(stage, "metadata"), fs, "stage metadata");
      if (STAGE_CLASS.equals(meta.path("class").asText())) {
        found = new org.apache.hadoop.fs.Path(stage, DATA); // the last Downhill stage
      }
    }
    if (found == null) {
      throw BadInputException.of(dir.toString(), "not a Downhill model", "a pipeline with a " + STAGE_CLASS + " stage",
          uids.size() + " other stages");
    }
    return found;
  }

  /** Spark's one-line JSON metadata in {@code meta/part-*}: missing, checksum errors and bad JSON are named. */
  private static JsonNode metadata(org.apache.hadoop.fs.Path meta, FileSystem fs, String what) throws IOException {
    FileStatus[] parts = fs.isDirectory(meta) ? fs.listStatus(meta, p -> p.getName().startsWith("part-"))
        : new FileStatus[0];
    if (parts.length == 0) {
      throw BadInputException.of(meta.toString(), what + " missing", "Spark's metadata file (part-*)",
          fs.exists(meta) ? "none" : "nothing there");
    }
    org.apache.hadoop.fs.Path file = parts[0].getPath();
    try (var in = fs.open(file)) {
      JsonNode json = JSON.readTree(in);
      if (json == null || !json.isObject()) {
        throw BadInputException.of(file.toString(), "invalid " + what, "one JSON object", "an empty file");
      }
      return json;
    } catch (ChecksumException e) {
      throw ModelManifest.corrupt(file.toString(), e);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw BadInputException.of(file.toString(), "invalid " + what, "one JSON object",
          oneLine(e.getOriginalMessage()));
    }
  }

  /** The first line of a throwable's description: messages here are one line. */
  public static String oneLine(Object e) {
    String s = String.valueOf(e);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).trim() + " ...";
  }

  private static Saved parse(Group g, String where) {
    String format = text(g, "format", where);
    if (!FORMAT.equals(format)) {
      throw BadInputException.of(where, "not a Downhill model", "format " + FORMAT, format);
    }
    int version = g.getInteger("version", 0);
    if (version != VERSION) {
      throw BadInputException.of(where, "unsupported model version", Integer.toString(VERSION), Integer.toString(version));
    }
    List<Integer> hidden = new ArrayList<>();
    for (int i = 0; i < g.getFieldRepetitionCount("hidden"); i++) {
      hidden.add(g.getInteger("hidden", i));
    }
    ModelSpec spec;
    try {
      spec = new ModelSpec(g.getInteger("inputs", 0), hidden, g.getInteger("outputs", 0),
          Activation.Kind.parse(text(g, "activation", where)), g.getDouble("dropout", 0));
    } catch (IllegalArgumentException e) {
      throw BadInputException.of(where, "invalid architecture", "positive layer sizes",
          g.getInteger("inputs", 0) + " inputs, hidden " + hidden + ", " + g.getInteger("outputs", 0) + " outputs");
    }
    ParameterLayout layout = Model.of(spec).layout();
    int slices = g.getFieldRepetitionCount("layout");
    if (slices != layout.slices().size()) {
      throw BadInputException.of(where, "parameter layout does not match the architecture", layout.names().toString(),
          slices + " slices");
    }
    for (int i = 0; i < slices; i++) {
      ParameterLayout.Slice s = layout.slices().get(i);
      Group j = g.getGroup("layout", i);
      String name = j.getString("name", 0);
      if (!s.name().equals(name) || s.offset() != j.getInteger("offset", 0) || s.rows() != j.getInteger("rows", 0)
          || s.cols() != j.getInteger("cols", 0)) {
        throw BadInputException.of(where, "parameter slice " + i + " does not match the architecture", s.toString(),
            name + " at " + j.getInteger("offset", 0) + ", " + j.getInteger("rows", 0) + "x" + j.getInteger("cols", 0));
      }
    }
    int n = g.getFieldRepetitionCount("theta");
    if (n != layout.size()) {
      throw BadInputException.of(where, "model weights have the wrong size", layout.size() + " values", n + " values");
    }
    double[] theta = new double[n];
    for (int i = 0; i < n; i++) {
      theta[i] = g.getDouble("theta", i);
    }
    String expected = text(g, "theta_crc32", where);
    if (!crc(theta).equals(expected)) {
      throw BadInputException.of(where, "model weights are corrupt", "CRC32 " + expected, "CRC32 " + crc(theta));
    }
    int classes = g.getInteger("classes", 0);
    String loss = text(g, "loss", where);
    int expectedOutputs = loss.equals("logistic") ? 1 : classes;
    if (classes < 2 || spec.outputs() != expectedOutputs) {
      throw BadInputException.of(where, "class count does not match the model",
          "k >= 2 classes and " + (loss.equals("logistic") ? "1 output (logistic)" : "k outputs"),
          classes + " classes, " + spec.outputs() + " outputs");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < g.getFieldRepetitionCount("class_names"); i++) {
      names.add(g.getString("class_names", i));
    }
    if (names.size() != classes || new HashSet<>(names).size() != names.size()) {
      throw BadInputException.of(where, "invalid class names", classes + " distinct names", names.toString());
    }
    JsonNode extra;
    try {
      extra = JSON.readTree(text(g, "extra", where));
    } catch (IOException e) {
      throw BadInputException.of(where, "invalid model data", "JSON in the extra field", e.getMessage());
    }
    if (g.getType().containsField(CHECKSUM) && g.getFieldRepetitionCount(CHECKSUM) > 0) {
      String expectedSum = g.getString(CHECKSUM, 0);
      String actual = checksum(g);
      if (!expectedSum.equals(actual)) {
        throw BadInputException.of(where, "model data changed since it was saved (architecture, classes or settings "
            + "edited or corrupt)", "checksum " + expectedSum, "checksum " + actual);
      }
    }
    return new Saved(spec, loss, classes, List.copyOf(names), g.getBoolean("plus_minus_one", 0),
        text(g, "precision", where), theta, extra instanceof ObjectNode o ? o : object());
  }

  private static String text(Group g, String field, String where) {
    if (g.getFieldRepetitionCount(field) == 0) {
      throw BadInputException.of(where, "model field missing", field, "none");
    }
    return g.getString(field, 0);
  }

  /**
   * The row's checksum: CRC32 of a canonical serialization of every field but θ (which
   * {@code theta_crc32}, included, covers) and the checksum itself: a JSON array of
   * {@code [name, [values...]]} in schema order, layout entries as arrays of their fields' values.
   */
  static String checksum(Group g) {
    CRC32 c = new CRC32();
    c.update(canonical(g, true).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Long.toHexString(c.getValue());
  }

  private static ArrayNode canonical(Group g, boolean top) {
    ArrayNode fields = JSON.createArrayNode();
    GroupType type = g.getType();
    for (int f = 0; f < type.getFieldCount(); f++) {
      String name = type.getFieldName(f);
      if (top && (name.equals("theta") || name.equals(CHECKSUM))) {
        continue;
      }
      ArrayNode values = JSON.createArrayNode();
      for (int i = 0; i < g.getFieldRepetitionCount(f); i++) {
        Type t = type.getType(f);
        if (!t.isPrimitive()) {
          values.add(canonical(g.getGroup(f, i), false));
          continue;
        }
        switch (t.asPrimitiveType().getPrimitiveTypeName()) {
          case INT32 -> values.add(g.getInteger(f, i));
          case DOUBLE -> values.add(g.getDouble(f, i));
          case BOOLEAN -> values.add(g.getBoolean(f, i));
          default -> values.add(g.getString(f, i));
        }
      }
      fields.addArray().add(name).add(values);
    }
    return fields;
  }

  private static String crc(double[] theta) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * theta.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asDoubleBuffer().put(theta);
    CRC32 c = new CRC32();
    c.update(bytes.array());
    return Long.toHexString(c.getValue());
  }
}
