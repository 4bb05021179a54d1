package io.downhill.ml;

import io.downhill.model.ModelFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

/**
 * How a fitted Downhill model is saved and loaded, the same for the classifier's and the
 * regressor's: {@code path/metadata/} (Spark's JSON metadata: class, uid, params),
 * {@code path/summary.json} (the training summary, when there is one) and {@code path/data/}
 * ({@link ModelFiles}: written last, since its manifest lists the other files; read first, since it
 * checks them before Spark reads any).
 */
final class ModelIo {
  private ModelIo() {}

  /** A new model of the loaded parts (uid, stored data, summary JSON or null). */
  interface Maker<M> {
    M make(String uid, ModelFiles.Saved saved, String summaryJson);
  }

  /** metadata/ (Spark's), summary.json, data/ (Parquet). */
  static final class Writer extends MLWriter {
    private final DownhillModel instance;

    Writer(DownhillModel instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
      var conf = sparkSession().sparkContext().hadoopConfiguration();
      try {
        if (instance.hasSummary()) { // before data/: the row's manifest lists it
          Path file = new Path(path, ModelFiles.SUMMARY);
          try (OutputStream out = file.getFileSystem(conf).create(file, true)) {
            out.write(instance.summary().json().getBytes(StandardCharsets.UTF_8));
          }
        }
        ModelFiles.save(path, instance.saved(), conf);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the model to " + path, e);
      }
    }
  }

  /** Reads a model of class {@code type}: its data checked first, then Spark's metadata and the summary. */
  static final class Reader<M extends Params> extends MLReader<M> {
    private final Class<M> type;
    private final Maker<M> maker;

    Reader(Class<M> type, Maker<M> maker) {
      this.type = type;
      this.maker = maker;
    }

    @Override
    public M load(String path) {
      var conf = sparkSession().sparkContext().hadoopConfiguration();
      ModelFiles.Saved saved = ModelFiles.load(path, conf); // first: it checks the files Spark reads below
      DefaultParamsReader.Metadata metadata;
      try {
        metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
      } catch (Exception e) {
        throw SavedModels.unreadable(path + "/metadata", "unreadable model metadata",
            "Spark ML metadata of a " + type.getSimpleName(), e);
      }
      String summary = null;
      Path file = new Path(path, ModelFiles.SUMMARY);
      try {
        FileSystem fs = file.getFileSystem(conf);
        if (fs.exists(file)) {
          try (InputStream in = fs.open(file)) {
            summary = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
        }
      } catch (IOException e) {
        throw SavedModels.unreadable(file.toString(), "unreadable training summary", "a readable JSON file", e);
      }
      M model = maker.make(metadata.uid(), saved, summary);
      try {
        metadata.getAndSetParams(model, scala.Option.empty());
      } catch (Exception e) {
        throw SavedModels.unreadable(path + "/metadata", "invalid model metadata",
            "params a " + type.getSimpleName() + " accepts", e);
      }
      return model;
    }
  }
}
