package io.downhill.spark;

import io.downhill.data.Opener;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * {@link Opener} over Hadoop's FileSystem API, so readers running inside Spark tasks accept any
 * path Spark does ({@code file:}, {@code hdfs:}, {@code s3a:} ...). A fresh Configuration is
 * made where it is used (Hadoop's is not serializable); executors pick up their own
 * HADOOP_CONF_DIR.
 */
public final class HadoopOpener implements Opener {
  private static final long serialVersionUID = 1L;

  /**
   * Makes a path absolute: a URI with a scheme ({@code hdfs://nn/x}, {@code s3a://b/x},
   * {@code file:/x}) is kept; anything else is a local path and becomes {@code file:/abs/path},
   * <i>not</i> percent-encoded: Hadoop's {@code Path(String)} (which Spark's readers and writers
   * call) encodes it itself, so a space, a literal {@code %20} or a {@code :} in a folder name
   * reaches the file system unchanged. A local path that exists wins over a scheme-like reading
   * ({@code c:/x} with a folder {@code c:} here).
   */
  public static String qualify(String path) {
    if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*") && !existsLocally(path)) {
      return path;
    }
    return local(Path.of(path));
  }

  /** {@code file:/abs/path} for a local path, unencoded (see {@link #qualify}). */
  public static String local(Path path) {
    return "file:" + path.toAbsolutePath().normalize();
  }

  /** The local file {@code path} names (a plain path, or a {@code file:} URI), or null on another file system. */
  public static Path localFile(String path) {
    java.net.URI uri = new org.apache.hadoop.fs.Path(qualify(path)).toUri();
    return "file".equals(uri.getScheme()) ? Path.of(uri.getPath()) : null;
  }

  private static boolean existsLocally(String path) {
    try {
      return Files.exists(Path.of(path));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  private static FileSystem fs(String path) throws IOException {
    return new org.apache.hadoop.fs.Path(path).getFileSystem(new Configuration());
  }

  /**
   * Refuses what is not a regular file before it is opened: a FIFO or a device would block a
   * reader forever (local paths are checked with java.nio, which sees them; Hadoop's local
   * file system reports them as files), a directory is no data file.
   */
  public static void requireRegularFile(String path) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    FileSystem fs = fs(path);
    String kind = null;
    if ("file".equals(fs.getScheme())) {
      Path local = Path.of(p.toUri().getPath());
      if (Files.exists(local) && !Files.isRegularFile(local)) {
        kind = Files.isDirectory(local) ? "a directory" : "a FIFO, socket or device";
      }
    } else if (fs.exists(p) && !fs.getFileStatus(p).isFile()) {
      kind = "a directory";
    }
    if (kind != null) {
      throw io.downhill.BadInputException.of(path, "not a data file", "a regular file", kind);
    }
  }

  /** The file's status; {@link FileNotFoundException} when nothing is there. */
  private static FileStatus status(String path) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    FileSystem fs = fs(path);
    if (!fs.exists(p)) {
      throw new FileNotFoundException(path);
    }
    return fs.getFileStatus(p);
  }

  @Override
  public InputStream open(String path) throws IOException {
    FileStatus status = status(path);
    requireRegularFile(path);
    return fs(path).open(status.getPath());
  }

  @Override
  public long length(String path) throws IOException {
    return status(path).getLen();
  }

  @Override
  public boolean exists(String path) throws IOException {
    return fs(path).exists(new org.apache.hadoop.fs.Path(path));
  }

  /** True when the path is a directory. */
  public boolean isDirectory(String path) throws IOException {
    return exists(path) && status(path).isDirectory();
  }
}
