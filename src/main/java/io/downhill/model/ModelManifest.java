package io.downhill.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.downhill.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The size and CRC32 of every file of a saved model besides the Downhill row itself (Spark's
 * metadata, the MLlib preprocessing stages' data, the summary), recorded in the row when it is
 * written and checked before anything reads the model: a byte flip that Parquet or Spark would
 * read without complaint, a truncated or edited file, or a missing one is bad input naming the
 * file. CRC32 catches accidents (disks, copies, hand edits), not deliberate forgery.
 */
public final class ModelManifest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelManifest() {}

  /**
   * The manifest of the model's other files for the row written into {@code data}, the row's
   * folder in {@code stageDir}: every file under the model's root (the enclosing PipelineModel's
   * folder when {@code stageDir} is one of its stages, else {@code stageDir}) but those in
   * {@code data}, Hadoop's side files ({@code .crc}) and markers ({@code _SUCCESS}); each with its
   * path relative to the root, size and CRC32.
   */
  static String of(org.apache.hadoop.fs.Path stageDir, org.apache.hadoop.fs.Path data, Configuration conf)
      throws IOException {
    FileSystem fs = stageDir.getFileSystem(conf);
    ArrayNode files = JSON.createArrayNode();
    org.apache.hadoop.fs.Path root = root(stageDir, fs);
    if (!fs.exists(root)) {
      return files.toString();
    }
    String prefix = fs.makeQualified(root).toString() + "/";
    String own = fs.makeQualified(data).toString() + "/";
    List<org.apache.hadoop.fs.Path> paths = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      org.apache.hadoop.fs.Path p = fs.makeQualified(it.next().getPath());
      String name = p.toString();
      if (!name.startsWith(prefix) || name.startsWith(own)) {
        continue;
      }
      String rel = name.substring(prefix.length());
      if (java.util.Arrays.stream(rel.split("/")).anyMatch(c -> c.startsWith(".") || c.startsWith("_"))) {
        continue;
      }
      paths.add(p);
    }
    paths.sort(java.util.Comparator.comparing(org.apache.hadoop.fs.Path::toString));
    for (org.apache.hadoop.fs.Path p : paths) {
      long[] sizeAndCrc = sizeAndCrc(fs, p);
      files.addObject().put("path", p.toString().substring(prefix.length())).put("bytes", sizeAndCrc[0])
          .put("crc32", Long.toHexString(sizeAndCrc[1]));
    }
    return files.toString();
  }

  /** The folder a manifest's paths are relative to: the PipelineModel's when {@code stageDir} is in its stages/. */
  private static org.apache.hadoop.fs.Path root(org.apache.hadoop.fs.Path stageDir, FileSystem fs) throws IOException {
    org.apache.hadoop.fs.Path stages = stageDir.getParent();
    if (stages != null && stages.getName().equals("stages") && stages.getParent() != null
        && fs.isDirectory(new org.apache.hadoop.fs.Path(stages.getParent(), "metadata"))) {
      return stages.getParent();
    }
    return stageDir;
  }

  /** Checks every file the manifest {@code json} lists (as {@link #of} wrote it for {@code stageDir}). */
  static void verify(String json, org.apache.hadoop.fs.Path stageDir, FileSystem fs, String where) {
    JsonNode files;
    try {
      files = JSON.readTree(json);
    } catch (IOException e) {
      throw BadInputException.of(where, "invalid model data", "a JSON manifest in the files field",
          BadInputException.oneLine(e));
    }
    String rel = "";
    try {
      org.apache.hadoop.fs.Path root = root(stageDir, fs);
      for (JsonNode f : files) {
        rel = f.path("path").asText();
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root, rel);
        long bytes = f.path("bytes").asLong(-1);
        FileStatus st;
        try {
          st = fs.getFileStatus(p);
        } catch (java.io.FileNotFoundException e) {
          throw BadInputException.of(p.toString(), "model file missing", "the file saved with the model ("
              + bytes + " bytes)", "nothing there");
        }
        if (st.getLen() != bytes) {
          throw BadInputException.of(p.toString(), "model file changed since it was saved (truncated or edited)",
              bytes + " bytes", st.getLen() + " bytes");
        }
        long[] sizeAndCrc;
        try {
          sizeAndCrc = sizeAndCrc(fs, p);
        } catch (ChecksumException e) {
          throw corrupt(p.toString(), e);
        }
        String crc = Long.toHexString(sizeAndCrc[1]);
        if (!crc.equals(f.path("crc32").asText())) {
          throw BadInputException.of(p.toString(), "model file changed since it was saved (corrupt or edited)",
              "CRC32 " + f.path("crc32").asText(), "CRC32 " + crc);
        }
      }
    } catch (IOException e) {
      throw BadInputException.of(stageDir + "/" + rel, "cannot read a model file", "a readable file",
          BadInputException.oneLine(e));
    }
  }

  private static long[] sizeAndCrc(FileSystem fs, org.apache.hadoop.fs.Path p) throws IOException {
    CRC32 c = new CRC32();
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = fs.open(p)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        c.update(buf, 0, r);
        n += r;
      }
    }
    return new long[] {n, c.getValue()};
  }

  /** A file whose bytes no longer match Hadoop's {@code .crc} side file. */
  static BadInputException corrupt(String file, ChecksumException e) {
    return BadInputException.of(file, "corrupt file", "bytes matching its Hadoop checksum (the ." + new org.apache
        .hadoop.fs.Path(file).getName() + ".crc side file)", "a checksum error at byte " + e.getPos());
  }

  /** Hadoop's checksum error among the causes of {@code e}, or null. */
  public static ChecksumException checksumError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ChecksumException c) {
        return c;
      }
    }
    return null;
  }
}
