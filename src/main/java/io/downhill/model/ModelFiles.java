package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;

/**
 * The data of a trained model, the way Spark ML stores a model's data: one row of Parquet in
 * {@code DIR/data/}, beside Spark's {@code DIR/metadata/} (written by the Spark ML writer,
 * {@code io.downhill.ml}) and an optional {@code DIR/summary.json}. The row holds the architecture
 * (the input width, the layer list as JSON, the output width), loss, classes and their names (none
 * for a regression model: the squared loss, one output), the
 * parameter layout, the precision, θ (float64) with its CRC32, and caller fields as JSON. Spark
 * reads it back as a DataFrame ({@code spark.read.parquet(DIR/data)}); Downhill reads and writes
 * it with parquet-hadoop through Hadoop's FileSystem API ({@link ModelRow}), so the command line,
 * the reports and the tests need no SparkSession, and any Hadoop path works.
 *
 * <p>Loading checks every field: the layout against the architecture, θ's length and checksum,
 * the class names against the class count; then the row's own checksum (an edit that stays
 * consistent: other class names, another loss) and the manifest of the model's other files
 * (Spark's metadata, the summary, the earlier stages of a PipelineModel: size and CRC32 each), so
 * that a damaged folder is one {@link BadInputException} naming the file before Spark reads it.
 * Rows written before the checksum and the manifest existed have neither and are read as before
 * (docs/SPARK-ML.md, "Integrity of a saved model"); rows of version 2, before layer lists, are read
 * through {@link ModelRowV2}. No Java serialization anywhere.
 */
public final class ModelFiles {
  public static final String FORMAT = "downhill-model";
  /** 3: the architecture as a layer list, slices with roles; 2: hidden widths, activation and dropout fields. */
  public static final int VERSION = 3;
  public static final String SUMMARY = "summary.json";
  /** The loss of a regression model (real-valued labels: no classes, one output). */
  public static final String REGRESSION_LOSS = "squared";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFiles() {}

  /**
   * A model as stored.
   *
   * @param loss         softmax, svm, logistic, or squared (regression)
   * @param classes      k; 0 for regression
   * @param classNames   a name per class (k names; "0".."k-1" when the data had none; none for regression)
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
    Path data = new Path(dir, ModelFolder.DATA);
    Map<String, Object> r = record(model, layout);
    r.put(ModelRow.FILES, ModelManifest.of(new Path(dir), data, conf));
    ModelRow.write(data, r, conf);
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
    r.put("layers", LayerKinds.toJson(model.spec().layers()));
    r.put("outputs", model.spec().outputs());
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
      slice.put("role", role(s));
      slices.add(slice);
    }
    r.put("layout", slices);
    r.put("theta", model.theta());
    r.put("theta_crc32", ModelRow.crc(model.theta()));
    r.put("extra", JSON.writeValueAsString(model.extra() == null ? object() : model.extra()));
    r.put(ModelRow.FILES, "[]");
    return r;
  }

  /** A slice's role as the row stores it: "weight", "bias" ... */
  private static String role(ParameterLayout.Slice s) {
    return s.role().name().toLowerCase(Locale.ROOT);
  }

  /**
   * The training summary saved beside the model in {@code dir} (a Downhill model directory or a
   * PipelineModel holding one), or null when it has none or it cannot be read: it informs (the
   * seed a run used), it is never needed to predict.
   */
  public static com.fasterxml.jackson.databind.JsonNode trainingSummary(java.nio.file.Path dir) {
    try {
      Path root = new Path(hadoopPath(dir));
      FileSystem fs = root.getFileSystem(new Configuration());
      Path summary = new Path(ModelFolder.locate(root, fs).getParent(), SUMMARY);
      if (!fs.exists(summary)) {
        return null;
      }
      try (java.io.InputStream in = fs.open(summary)) {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
      }
    } catch (IOException | BadInputException e) {
      return null;
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
    Path root = new Path(dir);
    Path data;
    FileSystem fs;
    try {
      fs = root.getFileSystem(conf);
      data = ModelFolder.locate(root, fs);
    } catch (IOException e) {
      throw BadInputException.of(dir, "cannot read the model directory", "a readable directory",
          BadInputException.oneLine(e));
    }
    Path part = ModelRow.part(data, fs);
    Group g = ModelRow.read(part, conf);
    String where = part.toString();
    Saved saved = parse(g, where);
    if (ModelRow.has(g, ModelRow.FILES)) { // none before manifests existed
      ModelManifest.verify(g.getString(ModelRow.FILES, 0), data.getParent(), fs, where);
    }
    return saved;
  }

  private static Saved parse(Group g, String where) {
    String format = ModelRow.text(g, "format", where);
    if (!FORMAT.equals(format)) {
      throw BadInputException.of(where, "not a Downhill model", "format " + FORMAT, format);
    }
    int version = g.getInteger("version", 0);
    if (version != VERSION && version != ModelRowV2.VERSION) {
      throw BadInputException.of(where, "unsupported model version", ModelRowV2.VERSION + " or " + VERSION,
          Integer.toString(version));
    }
    ModelSpec spec;
    try {
      spec = version == VERSION
          ? new ModelSpec(g.getInteger("inputs", 0), LayerKinds.fromJson(ModelRow.text(g, "layers", where)),
              g.getInteger("outputs", 0))
          : ModelRowV2.spec(g, where);
    } catch (IllegalArgumentException e) {
      throw BadInputException.of(where, "invalid architecture", "positive layer sizes and known layers",
          e.getMessage());
    }
    ParameterLayout layout = Model.of(spec).layout();
    checkLayout(g, layout, version == VERSION, where);
    int n = g.getFieldRepetitionCount("theta");
    if (n != layout.size()) {
      throw BadInputException.of(where, "model weights have the wrong size", layout.size() + " values", n + " values");
    }
    double[] theta = new double[n];
    for (int i = 0; i < n; i++) {
      theta[i] = g.getDouble("theta", i);
    }
    String expected = ModelRow.text(g, "theta_crc32", where);
    if (!ModelRow.crc(theta).equals(expected)) {
      throw BadInputException.of(where, "model weights are corrupt", "CRC32 " + expected,
          "CRC32 " + ModelRow.crc(theta));
    }
    int classes = g.getInteger("classes", 0);
    String loss = ModelRow.text(g, "loss", where);
    if (loss.equals(REGRESSION_LOSS)) {
      if (classes != 0 || spec.outputs() != 1) {
        throw BadInputException.of(where, "class count does not match the model",
            "no classes and 1 output (squared loss: regression)", classes + " classes, " + spec.outputs() + " outputs");
      }
    } else {
      int expectedOutputs = loss.equals("logistic") ? 1 : classes;
      if (classes < 2 || spec.outputs() != expectedOutputs) {
        throw BadInputException.of(where, "class count does not match the model",
            "k >= 2 classes and " + (loss.equals("logistic") ? "1 output (logistic)" : "k outputs"),
            classes + " classes, " + spec.outputs() + " outputs");
      }
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
      extra = JSON.readTree(ModelRow.text(g, "extra", where));
    } catch (IOException e) {
      throw BadInputException.of(where, "invalid model data", "JSON in the extra field", e.getMessage());
    }
    ModelRow.checkChecksum(g, where);
    return new Saved(spec, loss, classes, List.copyOf(names), g.getBoolean("plus_minus_one", 0),
        ModelRow.text(g, "precision", where), theta, extra instanceof ObjectNode o ? o : object());
  }

  /** Every stored slice's name, offset and shape (and role, with {@code roles}) against the architecture's layout. */
  private static void checkLayout(Group g, ParameterLayout layout, boolean roles, String where) {
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
          || s.cols() != j.getInteger("cols", 0) || roles && !role(s).equals(j.getString("role", 0))) {
        throw BadInputException.of(where, "parameter slice " + i + " does not match the architecture", s.toString(),
            name + " at " + j.getInteger("offset", 0) + ", " + j.getInteger("rows", 0) + "x" + j.getInteger("cols", 0)
                + (roles ? ", " + j.getString("role", 0) : ""));
      }
    }
  }
}
