package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.downhill.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an output folder may replace, and one run per folder: no Spark, milliseconds. */
class RunOutputTest {
  @TempDir
  Path dir;

  @Test
  void aFolderThatDownhillDidNotWriteIsRefusedAndKept() throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("train-images-idx3-ubyte.gz"), "precious");
    BadInputException e = assertThrows(BadInputException.class, () -> RunOutput.create(data, "train"));
    assertTrue(e.getMessage().contains("not a folder that Downhill wrote") && e.getMessage().contains(
        "train-images-idx3-ubyte.gz"), e.getMessage());
    assertEquals("precious", Files.readString(data.resolve("train-images-idx3-ubyte.gz")));
    assertFalse(Files.exists(RunOutput.running(data)), "refused before anything was created");
  }

  @Test
  void theWorkingDirectoryAndItsParentsAreRefused() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p : new Path[] {Path.of("."), cwd, cwd.getParent()}) {
      BadInputException e = assertThrows(BadInputException.class, () -> RunOutput.checkReplaceable(
          p.toAbsolutePath().normalize(), "--out " + p, "train"));
      assertTrue(e.getMessage().contains("working directory"), e.getMessage());
    }
  }

  @Test
  void aFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "x");
    assertTrue(assertThrows(BadInputException.class, () -> RunOutput.create(file, "train")).getMessage()
        .contains("output path is a file"));
    assertEquals("x", Files.readString(file));
  }

  @Test
  void aMountPointIsRefusedBeforeAnyWork() {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && isMountPoint(shm), "no /dev/shm mount point here");
    BadInputException e = assertThrows(BadInputException.class,
        () -> RunOutput.checkReplaceable(shm, "--out " + shm, "train"));
    assertTrue(e.getMessage().contains("mount point"), e.getMessage());
  }

  @Test
  void anUnwritableLocationIsRefusedBeforeAnyWork() {
    // /proc refuses new files even to root (chmod does not stop root, so a read-only folder cannot stand in)
    assumeTrue(Files.isDirectory(Path.of("/proc/self")));
    BadInputException e = assertThrows(BadInputException.class,
        () -> RunOutput.create(Path.of("/proc/downhill-out"), "train"));
    assertTrue(e.getMessage().startsWith("--out /proc/downhill-out: cannot create the output folder"), e.getMessage());
  }

  @Test
  void anEmptyFolderAnEarlierRunAndALegacyRunAreReplaced() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    commitOnce(empty, "a");
    assertEquals("a", Files.readString(empty.resolve("result")));
    assertTrue(Files.isRegularFile(empty.resolve(RunOutput.MARKER)), "every committed folder carries the marker");
    commitOnce(empty, "b"); // an earlier run's folder, by its marker
    assertEquals("b", Files.readString(empty.resolve("result")));

    Path legacy = Files.createDirectories(dir.resolve("legacy"));
    Files.writeString(legacy.resolve("summary.json"), "{\"downhill_version\":\"0.1.0\"}");
    commitOnce(legacy, "c");
    assertEquals("c", Files.readString(legacy.resolve("result")));

    BadInputException predict = assertThrows(BadInputException.class, () -> RunOutput.create(legacy, "predict"));
    assertTrue(predict.getMessage().contains("holds the output of another command") && predict.getMessage()
        .contains("the output of train"), "a predict --out never replaces a training run: " + predict.getMessage());
    assertEquals("c", Files.readString(legacy.resolve("result")));

    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("summary.json"), "{\"something\":1}");
    assertThrows(BadInputException.class, () -> RunOutput.create(other, "train"));
  }

  @Test
  void aSecondRunOnTheSameFolderIsRefusedNamingTheHolderUntilTheFirstEnds() throws IOException {
    Path out = dir.resolve("locked");
    try (RunOutput first = RunOutput.create(out, "train")) {
      Files.writeString(first.dir().resolve("metrics.jsonl"), "first");
      BadInputException e = assertThrows(BadInputException.class, () -> RunOutput.create(out, "train"));
      assertTrue(e.getMessage().contains("another run is writing this folder")
          && e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
      assertEquals("first", Files.readString(first.dir().resolve("metrics.jsonl")), "the holder's files untouched");
      first.commit();
    }
    commitOnce(out, "second"); // released with the first run
    assertEquals("second", Files.readString(out.resolve("result")));
  }

  @Test
  void whatAKilledRunLeftIsCleanedOrPutBack() throws IOException {
    Path out = dir.resolve("killed");
    commitOnce(out, "good");
    Path stale = Files.createDirectories(RunOutput.running(out));
    Files.writeString(stale.resolve("metrics.jsonl"), "half");
    // killed between commit's two renames: the last good run set aside, nothing at NAME
    Path aside = out.resolveSibling(".killed.old-1234abcd");
    Files.move(out, aside);
    try (RunOutput next = RunOutput.create(out, "train")) {
      assertEquals("good", Files.readString(out.resolve("result")), "the last good run put back");
      assertFalse(Files.exists(aside));
      assertFalse(Files.exists(next.dir().resolve("metrics.jsonl")), "the stale running folder was emptied");
    }
    assertFalse(Files.exists(RunOutput.running(out)), "a run that did not commit leaves no running folder");
    assertEquals("good", Files.readString(out.resolve("result")));
  }

  private static void commitOnce(Path out, String content) throws IOException {
    try (RunOutput o = RunOutput.create(out, "train")) {
      Files.writeString(o.dir().resolve("result"), content);
      o.commit();
    }
  }

  private static boolean isMountPoint(Path p) {
    try {
      return !Files.getFileStore(p).equals(Files.getFileStore(p.getParent()));
    } catch (IOException e) {
      return false;
    }
  }
}
