package io.downhill.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.BadInputException;
import io.downhill.train.TrainerState;
import io.downhill.train.TrainingSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints of a run in one directory, through Hadoop's FileSystem API (a local path, HDFS, S3A
 * or any file system Spark can reach). Each checkpoint is a directory {@code checkpoint-<global step>}:
 * <ul>
 *   <li>{@code state.json}: position, settings, scalars, epoch records, the table of arrays and the
 *       CRC32 of every file;
 *   <li>{@code arrays.bin}: θ, the optimizer's arrays and the best epoch's θ, float64 little-endian;
 *   <li>attachments, e.g. {@code metrics.jsonl} as it was.
 * </ul>
 * A checkpoint is written under {@code _tmp-...} and renamed into place when complete (an atomic
 * rename on local and HDFS file systems), so a crash mid-write leaves no {@code checkpoint-*}
 * directory; the oldest are removed beyond {@code keep}. {@link #latest} walks the checkpoints
 * from the newest and skips, with a warning, any that is unreadable, incomplete or fails its CRC.
 * What the files hold is {@link StateCodec}'s; no Java serialization.
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  static final String STATE = "state.json";
  static final String ARRAYS = "arrays.bin";
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
  /** Prefix of a checkpoint being written. */
  static final String TMP = "_tmp-checkpoint-";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final FileSystem fs;
  private final int keep;

  /**
   * @param dir  a path or URI ({@code /ckpt}, {@code hdfs://nn/ckpt}, ...); created when absent
   * @param keep how many complete checkpoints to keep, >= 1
   */
  public CheckpointStore(String dir, int keep, Configuration hadoop) {
    TrainingSettings.CHECKPOINT_KEEP.checked(keep); // the schema's validator
    try {
      this.dir = new Path(dir);
      this.fs = this.dir.getFileSystem(hadoop);
      fs.mkdirs(this.dir);
      if (!fs.getFileStatus(this.dir).isDirectory()) {
        throw BadInputException.setting("checkpointDir", dir, "the checkpoint directory is not a directory",
            "a directory (or a path to create one)", "a file");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw BadInputException.setting("checkpointDir", dir, "cannot use the checkpoint directory",
          "a writable directory on a file system Hadoop knows", oneLine(e));
    }
    probe(dir);
    this.keep = keep;
  }

  /**
   * Creates and deletes a small file in the directory, so that a read-only or full one fails now,
   * before training, rather than at the first checkpoint.
   */
  private void probe(String where) {
    Path probe = new Path(this.dir, "_probe-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      write(probe, new byte[] {1});
      fs.delete(probe, false);
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      try {
        fs.delete(probe, false);
      } catch (IOException ignored) {
        // the write failed: there is nothing to remove, or it cannot be removed either
      }
      if (StorageFullException.isStorageFull(e)) {
        throw new StorageFullException("--checkpoint-dir " + where + ": out of space: cannot write a file there ("
            + oneLine(e) + "); free space or choose another directory", e);
      }
      throw BadInputException.setting("checkpointDir", where, "the checkpoint directory is not writable",
          "a directory this run can create files in", oneLine(e));
    }
  }

  private static String oneLine(Throwable e) {
    String s = (e instanceof org.apache.hadoop.fs.FSError && e.getCause() != null ? e.getCause() : e).toString();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A store on the local file system (tests, local runs). */
  public static CheckpointStore local(java.nio.file.Path dir, int keep) {
    return new CheckpointStore("file:" + dir.toAbsolutePath().normalize(), keep, new Configuration());
  }

  public String location() {
    return dir.toString();
  }

  /** Whether the directory holds at least one checkpoint directory (complete or not). */
  public boolean isEmpty() {
    return checkpoints().isEmpty();
  }

  /** A checkpoint as read back, and the newer ones skipped on the way with the reason for each. */
  public record Loaded(TrainerState state, String name, Map<String, byte[]> attachments, List<String> skipped) {}

  /**
   * Where a run starts, the same for the command line and the Estimator. Without {@code resume} a
   * directory that already holds checkpoints is refused (a fresh run must not mix its checkpoints
   * with an earlier run's; {@code where} and {@code resumeHint} name the setting in the message);
   * with it, the newest readable checkpoint, or a {@link Loaded} without a state (start from the
   * beginning) carrying the checkpoints skipped on the way. {@code report} hears one line per
   * skipped checkpoint and where the run starts.
   */
  public Loaded begin(boolean resume, String where, String resumeHint, java.util.function.Consumer<String> report) {
    removeUnfinished(report);
    if (!resume) {
      if (!isEmpty()) {
        throw BadInputException.of(where, "the directory holds checkpoints of an earlier run",
            resumeHint + " to continue that run, or an empty directory", "checkpoint-* directories");
      }
      return new Loaded(null, null, Map.of(), List.of());
    }
    Loaded l = latest().orElse(new Loaded(null, null, Map.of(), List.of()));
    l.skipped().forEach(reason -> report.accept("WARNING: skipped " + reason));
    report.accept(l.state() == null ? "no complete checkpoint in " + location() + "; starting from the beginning"
        : String.format(java.util.Locale.ROOT, "resuming from %s (epoch %d, step %d of it; %d steps done)", l.name(),
            l.state().epoch() + 1, l.state().step(), l.state().global()));
    return l;
  }

  /**
   * Removes the {@code _tmp-checkpoint-*} folders of writes that never finished (a killed driver, a
   * full disk): one run at a time uses a checkpoint directory, so none of them is in progress.
   */
  private void removeUnfinished(java.util.function.Consumer<String> report) {
    try {
      for (FileStatus s : fs.listStatus(dir)) {
        if (s.getPath().getName().startsWith(TMP)) {
          fs.delete(s.getPath(), true);
          report.accept("removed " + s.getPath().getName() + " (an unfinished checkpoint write)");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * Saves {@code state} and the attachments as checkpoint {@code global}, atomically; prunes old
   * ones. A failed write removes its {@code _tmp-} folder; a full file system is a
   * {@link StorageFullException} (exit 4).
   */
  public void save(TrainerState state, List<java.nio.file.Path> attachments) {
    String name = "checkpoint-" + String.format("%012d", state.global());
    Path tmp = new Path(dir, TMP + name.substring("checkpoint-".length()) + "-"
        + UUID.randomUUID().toString().substring(0, 8));
    Path target = new Path(dir, name);
    try {
      fs.mkdirs(tmp);
      ObjectNode json = StateCodec.describe(state);
      byte[] arrays = StateCodec.arrays(state, json.putArray("arrays"));
      write(new Path(tmp, ARRAYS), arrays);
      json.put("arrays_file", ARRAYS).put("arrays_bytes", arrays.length).put("arrays_crc32", crc(arrays));
      ArrayNode files = json.putArray("attachments");
      for (java.nio.file.Path a : attachments) {
        byte[] bytes = Files.readAllBytes(a);
        write(new Path(tmp, a.getFileName().toString()), bytes);
        files.addObject().put("name", a.getFileName().toString()).put("bytes", bytes.length).put("crc32", crc(bytes));
      }
      write(new Path(tmp, STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json)); // last: the table of contents
      if (fs.exists(target)) {
        fs.delete(target, true); // the same step saved again (a rerun of a resumed run): same state by construction
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
    } catch (IOException | org.apache.hadoop.fs.FSError e) { // the local FS throws ENOSPC as an FSError
      try {
        fs.delete(tmp, true);
      } catch (IOException again) {
        e.addSuppressed(again);
        LOG.warn("cannot remove the unfinished checkpoint {}: {}", tmp, again.toString());
      }
      if (StorageFullException.isStorageFull(e)) {
        throw new StorageFullException("--checkpoint-dir " + dir + ": out of space writing " + name + " ("
            + oneLine(e) + "); free space or raise the quota, then rerun with --resume", e);
      }
      if (e instanceof org.apache.hadoop.fs.FSError error) {
        throw error;
      }
      throw new UncheckedIOException("cannot write checkpoint " + target, (IOException) e);
    }
    prune(state.global());
  }

  /** The newest readable checkpoint, skipping (and reporting) broken ones; empty when there is none. */
  public Optional<Loaded> latest() {
    List<String> skipped = new ArrayList<>();
    for (FileStatus s : checkpoints()) {
      String name = s.getPath().getName();
      try {
        Loaded loaded = read(s.getPath(), skipped);
        return Optional.of(loaded);
      } catch (CorruptCheckpoint | com.fasterxml.jackson.core.JacksonException | java.io.FileNotFoundException
          | java.io.EOFException | org.apache.hadoop.fs.ChecksumException | RuntimeException e) {
        // a defect of this checkpoint (torn, partial, garbled; a file whose bytes no longer match
        // Hadoop's own .crc checksum): try the one before. Other I/O errors (the file system failing)
        // propagate: restarting a long run from step 0 is not their remedy.
        String reason = name + ": " + (e instanceof org.apache.hadoop.fs.ChecksumException
            ? "corrupt (Hadoop checksum error: " + e.getMessage() + ")" : e.getMessage());
        LOG.warn("skipping checkpoint {}", reason);
        skipped.add(reason);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read checkpoint " + s.getPath(), e);
      }
    }
    return skipped.isEmpty() ? Optional.empty() : Optional.of(new Loaded(null, null, Map.of(), List.copyOf(skipped)));
  }

  /** Removes every checkpoint (a run that finished no longer needs them). */
  public void clear() {
    try {
      for (FileStatus s : fs.listStatus(dir)) {
        if (NAME.matcher(s.getPath().getName()).matches() || s.getPath().getName().startsWith(TMP)) {
          fs.delete(s.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + dir, e);
    }
  }

  /** Checkpoint directories, newest first. */
  private List<FileStatus> checkpoints() {
    try {
      List<FileStatus> list = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        if (s.isDirectory() && NAME.matcher(s.getPath().getName()).matches()) {
          list.add(s);
        }
      }
      list.sort(Comparator.comparing((FileStatus s) -> s.getPath().getName()).reversed());
      return list;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * Keeps the newest {@code keep} checkpoints up to step {@code current}. Any above it are broken
   * ones a resume skipped (a readable one would have been resumed from): removed too, else they
   * would count among the newest and push out the fresh ones.
   */
  private void prune(long current) {
    List<FileStatus> all = new ArrayList<>();
    for (FileStatus s : checkpoints()) {
      Matcher m = NAME.matcher(s.getPath().getName());
      if (m.matches() && Long.parseLong(m.group(1)) > current) {
        delete(s);
      } else {
        all.add(s);
      }
    }
    for (int i = keep; i < all.size(); i++) {
      delete(all.get(i));
    }
  }

  private void delete(FileStatus s) {
    try {
      fs.delete(s.getPath(), true);
    } catch (IOException e) {
      LOG.warn("cannot remove old checkpoint {}: {}", s.getPath(), e.toString());
    }
  }

  private Loaded read(Path cp, List<String> skipped) throws IOException {
    JsonNode json = JSON.readTree(readAll(new Path(cp, STATE)));
    if (!StateCodec.isThisFormat(json)) {
      throw new CorruptCheckpoint(STATE + " is not a " + StateCodec.FORMAT + " version " + StateCodec.VERSION);
    }
    byte[] arrays = readAll(new Path(cp, json.path("arrays_file").asText(ARRAYS)));
    if (arrays.length != json.path("arrays_bytes").asLong(-1) || !crc(arrays).equals(json.path("arrays_crc32").asText())) {
      throw new CorruptCheckpoint(ARRAYS + " is corrupt or incomplete: " + arrays.length + " bytes, CRC32 " + crc(arrays)
          + "; expected " + json.path("arrays_bytes") + " bytes, CRC32 " + json.path("arrays_crc32").asText());
    }
    Map<String, double[]> named = StateCodec.arrays(json.path("arrays"), arrays);
    Map<String, byte[]> attachments = new LinkedHashMap<>();
    for (JsonNode a : json.path("attachments")) {
      byte[] bytes = readAll(new Path(cp, a.path("name").asText()));
      if (!crc(bytes).equals(a.path("crc32").asText())) {
        throw new CorruptCheckpoint(a.path("name").asText() + " is corrupt: CRC32 " + crc(bytes) + ", expected "
            + a.path("crc32").asText());
      }
      attachments.put(a.path("name").asText(), bytes);
    }
    TrainerState state = StateCodec.state(json, named, ARRAYS);
    return new Loaded(state, cp.getName(), attachments, List.copyOf(skipped));
  }

  private void write(Path file, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(file, false)) {
      out.write(bytes);
    }
  }

  private byte[] readAll(Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  private static String crc(byte[] bytes) {
    CRC32 c = new CRC32();
    c.update(bytes);
    return Long.toHexString(c.getValue());
  }
}
