package io.downhill.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.downhill.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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
 * The model's one Parquet row as parquet-hadoop writes and reads it, whatever its fields mean
 * ({@link ModelFiles} fills and checks them): the schema written today, the write of a field map,
 * the read of the row of any version, and the checksums (θ's CRC32 and the row's own). The file
 * is written without statistics or column indexes: a single row needs no filtering, and without
 * them every byte but the footer is a value those checksums cover.
 */
final class ModelRow {
  static final String PART = "part-00000.parquet";
  /** The row's fields for the manifest of the model's other files and the checksum of the row itself. */
  static final String FILES = "files";
  static final String CHECKSUM = "checksum";

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The row as {@link ModelFiles#VERSION} writes it; a row of an older version keeps its own schema. */
  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message downhill_model {
        required binary format (UTF8);
        required int32 version;
        required int32 inputs;
        required binary layers (UTF8);
        required int32 outputs;
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
          required binary role (UTF8);
        }
        repeated double theta;
        required binary theta_crc32 (UTF8);
        required binary extra (UTF8);
        optional binary files (UTF8);
        optional binary checksum (UTF8);
      }""");

  private ModelRow() {}

  /**
   * Writes the row {@code r} (field → value: lists for repeated fields, maps for layout entries)
   * as {@code data/}{@value #PART}, replacing the folder. Without a {@value #CHECKSUM} entry the
   * checksum of the row is computed and written; an entry mapped to null leaves the field out (the
   * format before it had one); a string is written as given.
   */
  @SuppressWarnings("unchecked")
  static void write(Path data, Map<String, Object> r, Configuration conf) throws IOException {
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
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(new Path(data, PART), conf))
        .withConf(conf).withType(SCHEMA).withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
        .withStatisticsEnabled(false).withSizeStatisticsEnabled(false)
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

  /**
   * The Parquet file in the row's folder {@code data}; a missing folder or file is a
   * {@link BadInputException} naming the folder.
   */
  static Path part(Path data, FileSystem fs) {
    try {
      if (!fs.isDirectory(data)) {
        throw BadInputException.of(data.toString(), "model data missing", "a directory with the model's Parquet row",
            "nothing there");
      }
      FileStatus part = null;
      for (FileStatus s : fs.listStatus(data)) {
        if (s.getPath().getName().endsWith(".parquet")) {
          part = s;
        }
      }
      if (part == null) {
        throw BadInputException.of(data.toString(), "model data missing", "a Parquet file", "none");
      }
      return part.getPath();
    } catch (IOException e) {
      throw BadInputException.of(data.toString(), "unreadable model data", "a Parquet file written by Downhill",
          BadInputException.oneLine(e));
    }
  }

  /**
   * The row in {@code part}, in the schema it was written with. Parquet that cannot be read, a
   * Hadoop checksum error and an empty file are a {@link BadInputException} naming the file.
   */
  static Group read(Path part, Configuration conf) {
    String where = part.toString();
    Group g;
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), part).withConf(conf).build()) {
      g = reader.read();
    } catch (IOException | RuntimeException e) {
      ChecksumException sum = ModelManifest.checksumError(e);
      if (sum != null) {
        throw ModelManifest.corrupt(where, sum);
      }
      throw BadInputException.of(where, "unreadable model data", "a Parquet file written by Downhill",
          BadInputException.oneLine(e));
    }
    if (g == null) {
      throw BadInputException.of(where, "model data is empty", "one row", "no rows");
    }
    return g;
  }

  /** The first value of a required text field; its absence is bad input. */
  static String text(Group g, String field, String where) {
    if (g.getFieldRepetitionCount(field) == 0) {
      throw BadInputException.of(where, "model field missing", field, "none");
    }
    return g.getString(field, 0);
  }

  /** Whether the row has a value for an optional field (rows before it existed have none). */
  static boolean has(Group g, String field) {
    return g.getType().containsField(field) && g.getFieldRepetitionCount(field) > 0;
  }

  /** Refuses a row whose {@value #CHECKSUM} (when it has one) does not match its fields. */
  static void checkChecksum(Group g, String where) {
    if (has(g, CHECKSUM)) {
      String expected = g.getString(CHECKSUM, 0);
      String actual = checksum(g);
      if (!expected.equals(actual)) {
        throw BadInputException.of(where, "model data changed since it was saved (architecture, classes or settings "
            + "edited or corrupt)", "checksum " + expected, "checksum " + actual);
      }
    }
  }

  /**
   * The row's checksum: CRC32 of a canonical serialization of every field but θ (which
   * {@code theta_crc32}, included, covers) and the checksum itself: a JSON array of
   * {@code [name, [values...]]} in schema order, layout entries as arrays of their fields' values.
   */
  static String checksum(Group g) {
    CRC32 c = new CRC32();
    c.update(canonical(g, true).toString().getBytes(StandardCharsets.UTF_8));
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

  /** CRC32 of θ as little-endian float64 bytes, in hex. */
  static String crc(double[] theta) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * theta.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asDoubleBuffer().put(theta);
    CRC32 c = new CRC32();
    c.update(bytes.array());
    return Long.toHexString(c.getValue());
  }
}
