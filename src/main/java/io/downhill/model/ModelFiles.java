package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.data.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A trained model on disk: {@code metadata.json} (architecture, loss, classes, parameter layout,
 * precision, a CRC32 of the weights, and whatever the caller adds) and {@code weights.bin} (the
 * flat parameter vector as little-endian float64). No Java serialization. Loading checks every
 * field, the layout against the architecture, the file size and the checksum.
 */
public final class ModelFiles {
  public static final String FORMAT = "downhill-model";
  public static final int VERSION = 1;
  public static final String METADATA = "metadata.json";
  public static final String WEIGHTS = "weights.bin";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelFiles() {}

  /**
   * A model as stored.
   *
   * @param loss        softmax, svm or logistic
   * @param classes     k
   * @param plusMinusOne whether raw labels were -1/+1
   * @param precision   the compute precision it was trained in (and is evaluated in)
   * @param extra       caller fields (data, preprocessing, image shape ...), kept as JSON
   */
  public record Saved(ModelSpec spec, String loss, int classes, boolean plusMinusOne, String precision, double[] theta,
      ObjectNode extra) {}

  /** A fresh JSON object for {@link Saved#extra()}. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  public static void save(Path dir, Saved model) throws IOException {
    Files.createDirectories(dir);
    ParameterLayout layout = Model.of(model.spec()).layout();
    if (layout.size() != model.theta().length) {
      throw new IllegalArgumentException("θ has " + model.theta().length + " values, the layout " + layout.size());
    }
    ByteBuffer bytes = ByteBuffer.allocate(8 * model.theta().length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asDoubleBuffer().put(model.theta());
    Files.write(dir.resolve(WEIGHTS), bytes.array());
    CRC32 crc = new CRC32();
    crc.update(bytes.array());

    ObjectNode meta = JSON.createObjectNode();
    meta.put("format", FORMAT);
    meta.put("version", VERSION);
    ObjectNode arch = meta.putObject("model");
    arch.put("inputs", model.spec().inputs());
    ArrayNode hidden = arch.putArray("hidden");
    model.spec().hidden().forEach(hidden::add);
    arch.put("outputs", model.spec().outputs());
    arch.put("activation", model.spec().activation().label());
    arch.put("dropout", model.spec().dropout());
    meta.put("loss", model.loss());
    meta.put("classes", model.classes());
    meta.put("labels", model.plusMinusOne() ? "-1/+1" : "0..k-1");
    meta.put("precision", model.precision());
    meta.put("parameters", layout.size());
    ArrayNode slices = meta.putArray("layout");
    for (ParameterLayout.Slice s : layout.slices()) {
      slices.addObject().put("name", s.name()).put("offset", s.offset()).put("rows", s.rows()).put("cols", s.cols())
          .put("regularized", s.regularized());
    }
    meta.put("weights_file", WEIGHTS);
    meta.put("weights_encoding", "float64 little-endian");
    meta.put("weights_crc32", Long.toHexString(crc.getValue()));
    meta.set("extra", model.extra() == null ? JSON.createObjectNode() : model.extra());
    JSON.writeValue(dir.resolve(METADATA).toFile(), meta);
  }

  public static Saved load(Path dir) {
    Path metaPath = dir.resolve(METADATA);
    JsonNode meta;
    try {
      meta = JSON.readTree(metaPath.toFile());
    } catch (java.io.FileNotFoundException | NoSuchFileException e) {
      throw BadInputException.of(dir.toString(), "not a saved model", "a directory with " + METADATA + " and " + WEIGHTS,
          "no " + METADATA);
    } catch (IOException e) {
      throw BadInputException.of(metaPath.toString(), "unreadable model metadata", "valid JSON", e.getMessage());
    }
    String where = metaPath.toString();
    if (!FORMAT.equals(meta.path("format").asText())) {
      throw BadInputException.of(where, "not a Downhill model", "\"format\": \"" + FORMAT + "\"",
          meta.path("format").toString());
    }
    if (meta.path("version").asInt(-1) != VERSION) {
      throw BadInputException.of(where, "unsupported model version", Integer.toString(VERSION), meta.path("version").toString());
    }
    JsonNode arch = meta.path("model");
    List<Integer> hidden = new ArrayList<>();
    arch.path("hidden").forEach(h -> hidden.add(h.asInt()));
    ModelSpec spec;
    try {
      spec = new ModelSpec(arch.path("inputs").asInt(-1), hidden, arch.path("outputs").asInt(-1),
          Activation.Kind.parse(arch.path("activation").asText("relu")), arch.path("dropout").asDouble(0.0));
    } catch (IllegalArgumentException e) {
      throw BadInputException.of(where, "invalid architecture", "positive layer sizes", arch.toString());
    }
    ParameterLayout layout = Model.of(spec).layout();
    JsonNode slices = meta.path("layout");
    if (slices.size() != layout.slices().size()) {
      throw BadInputException.of(where, "parameter layout does not match the architecture",
          layout.names().toString(), slices.toString());
    }
    for (int i = 0; i < slices.size(); i++) {
      ParameterLayout.Slice s = layout.slices().get(i);
      JsonNode j = slices.get(i);
      if (!s.name().equals(j.path("name").asText()) || s.offset() != j.path("offset").asInt() || s.rows() != j.path("rows").asInt()
          || s.cols() != j.path("cols").asInt()) {
        throw BadInputException.of(where, "parameter slice " + i + " does not match the architecture", s.toString(),
            j.toString());
      }
    }
    Path weightsPath = dir.resolve(meta.path("weights_file").asText(WEIGHTS));
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(weightsPath);
    } catch (IOException e) {
      throw BadInputException.of(weightsPath.toString(), "model weights missing", "a file of " + 8L * layout.size()
          + " bytes", "nothing readable");
    }
    if (bytes.length != 8L * layout.size()) {
      throw BadInputException.of(weightsPath.toString(), "model weights have the wrong size",
          8L * layout.size() + " bytes (" + layout.size() + " float64)", bytes.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    String expected = meta.path("weights_crc32").asText();
    if (!Long.toHexString(crc.getValue()).equals(expected)) {
      throw BadInputException.of(weightsPath.toString(), "model weights are corrupt", "CRC32 " + expected,
          "CRC32 " + Long.toHexString(crc.getValue()));
    }
    double[] theta = new double[layout.size()];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(theta);
    int classes = meta.path("classes").asInt(-1);
    if (classes < 2) {
      throw BadInputException.of(where, "invalid class count", "an integer >= 2", meta.path("classes").toString());
    }
    JsonNode extra = meta.path("extra");
    return new Saved(spec, meta.path("loss").asText(), classes, "-1/+1".equals(meta.path("labels").asText()),
        meta.path("precision").asText("float32"), theta, extra.isObject() ? (ObjectNode) extra : JSON.createObjectNode());
  }
}
