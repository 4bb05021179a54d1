package io.downhill.checkpoint;

import io.downhill.train.TrainerState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.downhill.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints under faults: a flipped byte (Hadoop's ChecksumException, or our CRC32 when the
 * .crc side file is gone) is skipped for the checkpoint before; a checkpoint directory that is
 * not a directory or not writable is refused before training; a full disk is a
 * {@link StorageFullException} and leaves no {@code _tmp-} folder; stale {@code _tmp-} folders are
 * removed at the start of a run.
 */
class CheckpointFaultTest {

  private static TrainerState state(long global) {
    double[] theta = new double[40];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = global + i / 100.0;
    }
    return new TrainerState("settings", 0, (int) global, global, theta, "sgd", Map.of(), global, Double.NaN, null, -1,
        0, 1.5, 0.01, List.of());
  }

  private static CheckpointStore threeSaved(Path dir) {
    CheckpointStore store = CheckpointStore.local(dir, 3);
    for (long g : new long[] {10, 20, 30}) {
      store.save(state(g), List.of());
    }
    return store;
  }

  private static Path checkpoint(Path dir, long global) {
    return dir.resolve(String.format("checkpoint-%012d", global));
  }

  private static void flipMiddleByte(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x10;
    Files.write(file, b);
  }

  private static Path crcOf(Path file) {
    return file.resolveSibling("." + file.getFileName() + ".crc");
  }

  /** begin(resume) with its console lines. */
  private static CheckpointStore.Loaded resume(CheckpointStore store, List<String> lines) {
    return store.begin(true, "--checkpoint-dir", "--resume", lines::add);
  }

  @Test
  void aFlippedByteWithItsCrcFileIntactIsSkippedForTheOneBefore(@TempDir Path dir) throws IOException {
    CheckpointStore store = threeSaved(dir);
    Path arrays = checkpoint(dir, 30).resolve(CheckpointStore.ARRAYS);
    assertTrue(Files.exists(crcOf(arrays)), "Hadoop's local file system keeps a .crc beside each file");
    flipMiddleByte(arrays); // the .crc no longer matches: reading raises Hadoop's ChecksumException

    List<String> lines = new ArrayList<>();
    CheckpointStore.Loaded loaded = resume(store, lines);
    assertEquals("checkpoint-000000000020", loaded.name());
    assertEquals(20, loaded.state().global());
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("WARNING: skipped checkpoint-000000000030: corrupt (Hadoop checksum error"),
        lines.get(0));
    assertTrue(lines.get(1).startsWith("resuming from checkpoint-000000000020"), lines.get(1));
  }

  @Test
  void aFlippedByteWithoutItsCrcFileFailsOurCrc(@TempDir Path dir) throws IOException {
    CheckpointStore store = threeSaved(dir);
    Path arrays = checkpoint(dir, 30).resolve(CheckpointStore.ARRAYS);
    Files.delete(crcOf(arrays));
    flipMiddleByte(arrays);
    Path state = checkpoint(dir, 20).resolve(CheckpointStore.STATE); // and the state.json of the one before, .crc kept
    flipMiddleByte(state);

    List<String> lines = new ArrayList<>();
    CheckpointStore.Loaded loaded = resume(store, lines);
    assertEquals("checkpoint-000000000010", loaded.name());
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("checkpoint-000000000030: arrays.bin is corrupt or incomplete"), lines.get(0));
    assertTrue(lines.get(1).contains("checkpoint-000000000020: corrupt (Hadoop checksum error"), lines.get(1));

    // the next save prunes the broken ones above it, so they cannot push out the fresh ones
    store.save(state(11), List.of());
    assertFalse(Files.exists(checkpoint(dir, 30)));
    assertFalse(Files.exists(checkpoint(dir, 20)));
  }

  @Test
  void aCheckpointDirectoryThatIsNotADirectoryIsRefusedAtOnce(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "not a directory");
    BadInputException under = assertThrows(BadInputException.class, () -> CheckpointStore.local(file.resolve("ckpt"), 2));
    assertEquals("checkpointDir", under.setting()); // the command line words it --checkpoint-dir, Spark ML checkpointDir
    assertTrue(under.getMessage().startsWith("checkpointDir ") && under.getMessage().contains("file/ckpt")
        && under.getMessage().contains("cannot use the checkpoint directory"), under.getMessage());
    assertFalse(under.getMessage().contains("\n"), under.getMessage());

    BadInputException itself = assertThrows(BadInputException.class, () -> CheckpointStore.local(file, 2));
    assertTrue(itself.getMessage().contains("not a directory") || itself.getMessage().contains("cannot use"),
        itself.getMessage());
    assertEquals("not a directory", Files.readString(file));
  }

  /**
   * A read-only directory. The tests run as root, whom file modes do not stop; the immutable
   * attribute ({@code chattr +i}) stops root too. Skipped where chattr is unavailable or not
   * permitted (a container without CAP_LINUX_IMMUTABLE, a file system without the attribute).
   */
  @Test
  void aReadOnlyCheckpointDirectoryIsRefusedBeforeTraining(@TempDir Path dir) throws Exception {
    Path ro = Files.createDirectories(dir.resolve("read-only"));
    assumeTrue(chattr("+i", ro), "chattr +i is not available here");
    try {
      BadInputException e = assertThrows(BadInputException.class, () -> CheckpointStore.local(ro, 2));
      assertTrue(e.getMessage().contains("the checkpoint directory is not writable"), e.getMessage());
      try (Stream<Path> s = Files.list(ro)) {
        assertEquals(0, s.count(), "the probe left nothing behind");
      }
    } finally {
      chattr("-i", ro);
    }
  }

  private static boolean chattr(String flag, Path p) throws InterruptedException {
    try {
      Process proc = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
      proc.getInputStream().readAllBytes();
      return proc.waitFor() == 0 && !(flag.equals("+i") && Files.isWritable(p) && canCreate(p));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean canCreate(Path p) {
    try {
      Files.delete(Files.createFile(p.resolve("probe")));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The local file system with a disk that fills up: while {@link #full}, writing to a file under
   * a {@code _tmp-} or {@code _probe-} name fails the way Hadoop's local file system reports
   * Linux's ENOSPC: an {@code FSError} around "No space left on device" (seen on a real 300 KB
   * tmpfs). Registered for {@code file:} through the Hadoop configuration of the store under test.
   */
  public static final class FullDisk extends LocalFileSystem {
    static volatile boolean full;

    @Override
    public FSDataOutputStream create(org.apache.hadoop.fs.Path f, FsPermission permission, boolean overwrite,
        int bufferSize, short replication, long blockSize, Progressable progress) throws IOException {
      FSDataOutputStream out = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
      if (!full || !(f.toString().contains("/_tmp-") || f.getName().startsWith("_probe-"))) {
        return out;
      }
      return new FSDataOutputStream(new java.io.OutputStream() {
        @Override
        public void write(int b) {
          throw noSpace();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      }, null);
    }
  }

  /** What RawLocalFileSystem throws on ENOSPC (FSError's constructor is package-private there). */
  private static FSError noSpace() {
    try {
      var c = FSError.class.getDeclaredConstructor(Throwable.class);
      c.setAccessible(true);
      return c.newInstance(new IOException("No space left on device"));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static CheckpointStore onFullDisk(Path dir) {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", FullDisk.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return new CheckpointStore(dir.toAbsolutePath().toUri().toString(), 2, conf);
  }

  @Test
  void aFullDiskIsStorageFullAndLeavesNoTmpFolder(@TempDir Path dir) throws IOException {
    FullDisk.full = false;
    CheckpointStore store = onFullDisk(dir);
    store.save(state(10), List.of());
    try {
      FullDisk.full = true;
      StorageFullException e = assertThrows(StorageFullException.class, () -> store.save(state(20), List.of()));
      assertTrue(e.getMessage().contains("out of space writing checkpoint-000000000020")
          && e.getMessage().contains("No space left on device") && e.getMessage().contains("--resume"), e.getMessage());
      try (Stream<Path> s = Files.list(dir)) {
        assertEquals(List.of("checkpoint-000000000010"), s.map(p -> p.getFileName().toString())
            .filter(n -> !n.startsWith(".")).toList(), "the failed write removed its _tmp- folder");
      }
      // a run starting on the full disk fails at once, before training
      StorageFullException atStart = assertThrows(StorageFullException.class, () -> onFullDisk(dir.resolve("next")));
      assertTrue(atStart.getMessage().contains("out of space"), atStart.getMessage());
    } finally {
      FullDisk.full = false;
    }
  }

  @Test
  void tmpFoldersLeftBehindAreRemovedWhenARunBegins(@TempDir Path dir) throws IOException {
    CheckpointStore store = threeSaved(dir);
    Path stale = Files.createDirectories(dir.resolve("_tmp-checkpoint-000000000040-deadbeef"));
    Files.write(stale.resolve(CheckpointStore.ARRAYS), new byte[100]);
    List<String> lines = new ArrayList<>();
    CheckpointStore.Loaded loaded = resume(store, lines);
    assertFalse(Files.exists(stale));
    assertEquals("checkpoint-000000000030", loaded.name());
    assertTrue(lines.get(0).equals("removed _tmp-checkpoint-000000000040-deadbeef (an unfinished checkpoint write)"),
        lines.toString());

    Path fresh = Files.createDirectories(dir.resolve("fresh"));
    Files.createDirectories(fresh.resolve("_tmp-checkpoint-000000000005-0badf00d"));
    CheckpointStore.local(fresh, 2).begin(false, "--checkpoint-dir", "--resume", l -> { });
    try (Stream<Path> s = Files.list(fresh)) {
      assertEquals(0, s.count(), "a fresh run removes them too");
    }
  }
}
