package io.downhill.cli;

import io.downhill.data.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * An output folder written all at once: everything goes into a hidden sibling
 * {@code .NAME.running} and is renamed to {@code NAME} only when the run succeeds. A failed run
 * leaves nothing at {@code NAME} (and removes the running folder); a rerun replaces a previous
 * {@code NAME} only at the very end, so reruns into the same {@code --out} are idempotent.
 *
 * <p>The running folder's name is fixed so that external monitors can follow
 * {@code .NAME.running/metrics.jsonl} (flushed after every epoch) while a run goes on. One run per
 * {@code --out} at a time: a running folder left by a killed run is removed by the next one.
 */
final class RunOutput implements AutoCloseable {
  private final Path target;
  private final Path partial;
  private boolean committed;

  private RunOutput(Path target, Path partial) {
    this.target = target;
    this.partial = partial;
  }

  /** Checks that {@code target} can be written and creates the partial folder beside it. */
  static RunOutput create(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw BadInputException.of("--out " + target, "output path is a file", "a directory (new or from an earlier run)",
          "a regular file");
    }
    Path parent = abs.getParent();
    try {
      Files.createDirectories(parent);
      Path partial = running(abs);
      deleteTree(partial); // left by a run that was killed
      // A run killed between commit's two renames leaves the previous run aside as .NAME.old-ID and
      // no NAME: put it back (it is still the last good run); with NAME in place it is garbage.
      try (var siblings = Files.list(parent)) {
        for (Path old : siblings.filter(p -> p.getFileName().toString().startsWith("." + abs.getFileName() + ".old-"))
            .toList()) {
          if (Files.exists(abs)) {
            deleteTree(old);
          } else {
            move(old, abs);
          }
        }
      }
      Files.createDirectory(partial);
      return new RunOutput(abs, partial);
    } catch (IOException e) {
      throw BadInputException.of("--out " + target, "cannot create the output folder", "a writable location", e.toString());
    }
  }

  /** {@code .NAME.running} beside {@code target}: where a run writes until it succeeds. */
  static Path running(Path target) {
    Path abs = target.toAbsolutePath().normalize();
    return abs.resolveSibling("." + abs.getFileName() + ".running");
  }

  /** Where to write while the run is going. */
  Path dir() {
    return partial;
  }

  Path target() {
    return target;
  }

  /** Moves the partial folder into place, replacing an earlier run's folder. */
  void commit() throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID().toString().substring(0, 8));
      move(target, old);
    }
    move(partial, target);
    committed = true;
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  @Override
  public void close() {
    if (!committed) {
      deleteTree(partial);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root, e);
    }
  }
}
