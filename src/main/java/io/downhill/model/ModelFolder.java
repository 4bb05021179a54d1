package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.BadInputException;
import java.io.IOException;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a saved model keeps its row: {@code DIR/data/} of a Downhill model directory, or of the
 * last Downhill stage of a saved {@code PipelineModel} in {@code DIR}, found through Spark's
 * metadata of the pipeline and its stages.
 */
final class ModelFolder {
  static final String DATA = "data";
  /** The Spark ML classes whose saved stages hold this data: the classifier's and the regressor's models. */
  static final java.util.Set<String> STAGE_CLASSES = java.util.Set.of("io.downhill.ml.DownhillClassificationModel",
      "io.downhill.ml.DownhillRegressionModel");

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFolder() {}

  /**
   * {@code dir/data}, or the data of the Downhill stage of a saved PipelineModel in {@code dir}
   * (found through the pipeline's metadata: a missing stage or stage metadata is named).
   */
  static Path locate(Path dir, FileSystem fs) throws IOException {
    Path data = new Path(dir, DATA);
    if (fs.isDirectory(data)) {
      return data;
    }
    Path stages = new Path(dir, "stages");
    if (!fs.isDirectory(stages)) {
      throw BadInputException.of(dir.toString(), "not a saved model",
          "a directory with " + DATA + "/ (a Downhill model) or stages/ with a Downhill stage (a PipelineModel)",
          fs.exists(dir) ? "neither" : "nothing there");
    }
    JsonNode pipeline = metadata(new Path(dir, "metadata"), fs, "pipeline metadata");
    JsonNode uids = pipeline.path("paramMap").path("stageUids");
    if (!uids.isArray()) {
      throw BadInputException.of(new Path(dir, "metadata").toString(), "invalid pipeline metadata",
          "a PipelineModel's metadata with paramMap.stageUids", "class " + pipeline.path("class").asText("none"));
    }
    Path found = null;
    for (int i = 0; i < uids.size(); i++) {
      Path stage = new Path(stages, i + "_" + uids.get(i).asText());
      if (!fs.isDirectory(stage)) {
        throw BadInputException.of(stage.toString(), "pipeline stage missing",
            "stage " + i + " of " + uids.size() + " that the pipeline's metadata lists", "nothing there");
      }
      JsonNode meta = metadata(new Path(stage, "metadata"), fs, "stage metadata");
      if (STAGE_CLASSES.contains(meta.path("class").asText())) {
        found = new Path(stage, DATA); // the last Downhill stage
      }
    }
    if (found == null) {
      throw BadInputException.of(dir.toString(), "not a Downhill model", "a pipeline with a Downhill stage (" + String.join(" or ", new java.util.TreeSet<>(STAGE_CLASSES)) + ")",
          uids.size() + " other stages");
    }
    return found;
  }

  /** Spark's one-line JSON metadata in {@code meta/part-*}: missing, checksum errors and bad JSON are named. */
  private static JsonNode metadata(Path meta, FileSystem fs, String what) throws IOException {
    FileStatus[] parts = fs.isDirectory(meta) ? fs.listStatus(meta, p -> p.getName().startsWith("part-"))
        : new FileStatus[0];
    if (parts.length == 0) {
      throw BadInputException.of(meta.toString(), what + " missing", "Spark's metadata file (part-*)",
          fs.exists(meta) ? "none" : "nothing there");
    }
    Path file = parts[0].getPath();
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
          BadInputException.oneLine(e.getOriginalMessage()));
    }
  }
}
