package io.downhill.spark;

import io.downhill.data.Opener;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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

  /** Makes a path absolute: local paths without a scheme become {@code file:/abs/path}. */
  public static String qualify(String path) {
    if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !path.matches("^[a-zA-Z]:\\\\.*")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toUri().toString();
  }

  private static FileSystem fs(String path) throws IOException {
    return FileSystem.get(URI.create(path), new Configuration());
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
    return fs(path).open(status(path).getPath());
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
