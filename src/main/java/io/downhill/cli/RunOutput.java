package io.downhill.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.BadInputException;
import io.downhill.spark.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An output folder written all at once: everything goes into a hidden sibling
 * {@code .NAME.running} and is renamed to {@code NAME} only when the run succeeds. A failed run
 * leaves nothing at {@code NAME} (and removes the running folder); a rerun replaces a previous
 * {@code NAME} only at the very end, so reruns into the same {@code --out} are idempotent.
 *
 * <p>What may be replaced is narrow, because replacing deletes: a new path, an empty folder, or a
 * folder that an earlier Downhill run wrote, recognised by its {@value #MARKER} file (or, for
 * folders written before the marker existed, a {@code summary.json} that names a Downhill version).
 * Anything else (a data folder, the working directory, a mount point) is refused before Spark
 * starts, as is a location where the running folder cannot be created.
 *
 * <p>One run per {@code --out} at a time: {@link #create} takes an exclusive lock on
 * {@code .NAME.lock} beside the folder (an OS file lock, released when the process ends, however it
 * ends) and a second run is refused naming the holder. Only the holder removes a running folder
 * left by a killed run. The running folder's name is fixed so that external monitors can follow
 * {@code .NAME.running/metrics.jsonl} (flushed after every epoch) while a run goes on.
 */
final class RunOutput implements AutoCloseable {
  /** The file in every folder a Downhill run wrote; Spark's readers skip names starting with '_'. */
  static final String MARKER = "_DOWNHILL";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path target;
  private final Path partial;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private boolean committed;

  private RunOutput(Path target, Path partial, FileChannel lockChannel, FileLock lock) {
    this.target = target;
    this.partial = partial;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Checks that {@code target} may be written (and replaced) by {@code command} ({@code train},
   * {@code search}, {@code predict}: a folder is only ever replaced by the command that wrote it),
   * locks it against other runs and creates the running folder beside it, with the marker inside.
   */
  static RunOutput create(Path target, String command) {
    Path abs = target.toAbsolutePath().normalize();
    String flag = "--out " + target;
    checkReplaceable(abs, flag, command);
    Path parent = abs.getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw BadInputException.of(flag, "cannot create the output folder's parent", "a writable location",
          describe(e));
    }
    Path lockFile = parent.resolve("." + abs.getFileName() + ".lock");
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw BadInputException.of(flag, "cannot create the output folder", "a writable location", describe(e));
    }
    FileLock lock = null;
    try {
      lock = tryLock(channel);
      if (lock == null) {
        String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
        throw BadInputException.of(flag, "another run is writing this folder",
            "one run per output folder at a time", holder.isEmpty() ? "a lock on " + lockFile : holder
                + " (lock " + lockFile + ")");
      }
      String holder = "pid " + ProcessHandle.current().pid() + " on " + host() + " since " + Instant.now();
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      Path partial = running(abs);
      deleteTree(partial); // left by a run that was killed (we hold the lock: no live run owns it)
      // A run killed between commit's two renames leaves the previous run aside as .NAME.old-ID and
      // no NAME: put it back (it is still the last good run); with NAME in place it is garbage.
      try (Stream<Path> siblings = Files.list(parent)) {
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
      Files.writeString(partial.resolve(MARKER), JSON.createObjectNode().put("command", command)
          .put("downhill_version", Version.DOWNHILL).put("started", Instant.now().toString()).toString() + "\n");
      return new RunOutput(abs, partial, channel, lock);
    } catch (IOException | RuntimeException e) {
      release(lock, channel);
      if (e instanceof BadInputException b) {
        throw b;
      }
      throw BadInputException.of(flag, "cannot create the output folder", "a writable location",
          e instanceof IOException io ? describe(io) : e.toString());
    }
  }

  /**
   * Refuses a target whose replacement could lose something: a file, the working directory or one
   * of its ancestors, a mount point (a rename cannot replace it) or a non-empty folder that no
   * Downhill run wrote.
   */
  static void checkReplaceable(Path abs, String flag, String command) {
    if (!Files.exists(abs)) {
      return;
    }
    if (!Files.isDirectory(abs)) {
      throw BadInputException.of(flag, "output path is a file", "a folder (new, empty, or from an earlier run)",
          "a regular file");
    }
    Path cwd = Path.of("").toAbsolutePath().normalize();
    if (abs.getParent() == null || cwd.startsWith(abs)) {
      throw BadInputException.of(flag, "refusing to replace this folder",
          "a folder that is not the working directory or one of its parents", abs.toString());
    }
    try {
      if (!Files.getFileStore(abs).equals(Files.getFileStore(abs.getParent()))) {
        throw BadInputException.of(flag, "output folder is a mount point, which cannot be replaced by a rename",
            "a folder inside it, e.g. " + abs.resolve("run"), "the mount point " + abs);
      }
      String writer = writer(abs);
      if (writer != null) {
        if (!writer.equals(command)) {
          throw BadInputException.of(flag, "holds the output of another command, refusing to replace it",
              "a new path, an empty folder or an earlier " + command + " output", "the output of " + writer
                  + " (its " + MARKER + " file)");
        }
        return;
      }
      List<String> names;
      try (Stream<Path> entries = Files.list(abs)) {
        names = entries.map(p -> p.getFileName().toString()).sorted().limit(4).toList();
      }
      if (!names.isEmpty()) {
        throw BadInputException.of(flag, "not a folder that Downhill wrote, refusing to replace it",
            "a new path, an empty folder or an earlier Downhill run's folder (with its " + MARKER + " file)",
            "a folder holding " + String.join(", ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? ", ..." : ""));
      }
    } catch (IOException e) {
      throw BadInputException.of(flag, "cannot inspect the output folder", "a readable folder", describe(e));
    }
  }

  /**
   * The command that wrote {@code dir}: its marker's {@code command}, or {@code train} for a folder
   * from before the marker whose summary.json names a Downhill version (train and search wrote
   * those; search outputs have a leaderboard); null when no Downhill command wrote it.
   */
  static String writer(Path dir) {
    try {
      if (Files.isRegularFile(dir.resolve(MARKER))) {
        JsonNode m = JSON.readTree(dir.resolve(MARKER).toFile());
        return m != null && m.hasNonNull("command") ? m.get("command").asText() : "an unknown command";
      }
      Path summary = dir.resolve("summary.json");
      if (Files.isRegularFile(summary)) {
        JsonNode s = JSON.readTree(summary.toFile());
        if (s != null && s.hasNonNull("downhill_version")) {
          return Files.exists(dir.resolve("leaderboard.csv")) ? "search" : "train";
        }
      }
    } catch (IOException e) {
      return null; // an unreadable marker or summary proves nothing: treated as a foreign folder
    }
    return null;
  }

  /** A lock, or null when another process (or another run in this JVM) holds it. */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static void release(FileLock lock, FileChannel channel) {
    try {
      if (lock != null) {
        lock.release();
      }
      channel.close(); // the lock file stays: deleting it could let two runs lock two different files
    } catch (IOException e) {
      // closing a channel we only locked: nothing to lose
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this host";
    }
  }

  /** "AccessDeniedException: /x" reads better as "permission denied: /x"; keep the JDK's words otherwise. */
  static String describe(IOException e) {
    String name = e.getClass().getSimpleName();
    String what = switch (name) {
      case "AccessDeniedException" -> "permission denied";
      case "FileSystemException" -> e.getMessage() != null && e.getMessage().contains("Read-only")
          ? "read-only file system" : "file system error";
      case "NoSuchFileException" -> "no such file or folder";
      case "NotDirectoryException" -> "not a folder";
      case "FileAlreadyExistsException" -> "already exists";
      default -> name;
    };
    return what + ": " + e.getMessage();
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
    try {
      if (!committed) {
        deleteTree(partial);
      }
    } finally {
      release(lock, lockChannel);
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
