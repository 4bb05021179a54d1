package io.downhill.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The kinds of layer a {@link ModelSpec} lists, by the name model files carry, and the JSON of a
 * layer list: {@code [{"kind":"dense","units":256},{"kind":"activation","function":"relu"},
 * {"kind":"dropout","p":0.2}]}. Each kind writes its own settings ({@link LayerSpec#write}) and
 * reads them back; a new kind is its class and one line in the table below.
 */
public final class LayerKinds {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Function<JsonNode, LayerSpec>> READERS = new LinkedHashMap<>();

  static {
    READERS.put(DenseLayer.Spec.KIND, DenseLayer.Spec::read);
    READERS.put(Activation.Spec.KIND, Activation.Spec::read);
    READERS.put(Dropout.Spec.KIND, Dropout.Spec::read);
    READERS.put(BatchNorm.Spec.KIND, BatchNorm.Spec::read);
  }

  private LayerKinds() {}

  /** The layers as a JSON array, each an object with its {@code kind} and its settings. */
  public static String toJson(List<LayerSpec> layers) {
    ArrayNode array = JSON.createArrayNode();
    for (LayerSpec layer : layers) {
      layer.write(array.addObject().put("kind", layer.kind()));
    }
    return array.toString();
  }

  /** The layers {@link #toJson} wrote; invalid JSON, an unknown kind or invalid settings throw. */
  public static List<LayerSpec> fromJson(String json) {
    JsonNode array;
    try {
      array = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage());
    }
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("a JSON array of layers, found " + json);
    }
    List<LayerSpec> layers = new ArrayList<>();
    for (JsonNode layer : array) {
      String kind = layer.path("kind").asText();
      Function<JsonNode, LayerSpec> reader = READERS.get(kind);
      if (reader == null) {
        throw new IllegalArgumentException("unknown layer kind '" + kind + "'; expected one of " + READERS.keySet());
      }
      layers.add(reader.apply(layer));
    }
    return layers;
  }
}
