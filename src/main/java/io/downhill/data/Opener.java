package io.downhill.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens files by path. Readers run inside Spark tasks, so this is serializable: the Spark side
 * implements it over Hadoop's FileSystem (any Spark-supported path), tests use {@link #LOCAL}.
 */
public interface Opener extends Serializable {
  InputStream open(String path) throws IOException;

  /** Length in bytes; throws {@link FileNotFoundException} when missing. */
  long length(String path) throws IOException;

  boolean exists(String path) throws IOException;

  /** The local file system. */
  Opener LOCAL = new Opener() {
    private static final long serialVersionUID = 1L;

    @Override
    public InputStream open(String path) throws IOException {
      try {
        return Files.newInputStream(Path.of(path));
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException(path);
      }
    }

    @Override
    public long length(String path) throws IOException {
      try {
        return Files.size(Path.of(path));
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException(path);
      }
    }

    @Override
    public boolean exists(String path) {
      return Files.exists(Path.of(path));
    }
  };
}
