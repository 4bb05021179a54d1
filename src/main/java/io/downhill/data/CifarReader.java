package io.downhill.data;

import io.downhill.BadInputException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;

/**
 * Reads CIFAR-10's binary version: {@code data_batch_1.bin .. data_batch_5.bin} (training) and
 * {@code test_batch.bin}. Each record is 3073 bytes: 1 label byte (0..9) then 3072 pixel bytes,
 * the 1024 red values of the 32x32 image (row-major), then green, then blue. Features keep that
 * channel-planar (3 x 32 x 32) order.
 *
 * <p>A file whose size is not a multiple of 3073 bytes, or a label byte above 9, is a
 * {@link BadInputException} naming the file (and the record).
 */
public final class CifarReader {
  public static final int PIXELS = 3 * 32 * 32;
  public static final int RECORD_BYTES = 1 + PIXELS;
  public static final int CLASSES = 10;
  public static final List<String> TRAIN_FILES = List.of(
      "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  public static final List<String> TEST_FILES = List.of("test_batch.bin");

  private CifarReader() {}

  /** Batch files with their record counts, in order; rows are numbered across files. */
  public record Batches(List<String> paths, long[] counts) implements Serializable {
    public long total() {
      long total = 0;
      for (long c : counts) {
        total += c;
      }
      return total;
    }
  }

  /** Checks that every file exists and holds a whole number of records. */
  public static Batches open(Opener opener, List<String> paths) {
    long[] counts = new long[paths.size()];
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      long length;
      try {
        length = opener.length(path);
      } catch (FileNotFoundException e) {
        throw BadInputException.of(path, "CIFAR-10 batch file not found",
            "a file of 3073-byte records (1 label + 3072 pixels)", "nothing at that path");
      } catch (IOException e) {
        throw new BadInputException(path + ": cannot read: " + e, e);
      }
      if (length == 0 || length % RECORD_BYTES != 0) {
        throw BadInputException.of(path, "CIFAR-10 batch file has the wrong size",
            "a positive multiple of " + RECORD_BYTES + " bytes (1 label + 3072 pixels per image)",
            length + " bytes (" + (length / RECORD_BYTES) + " records and " + (length % RECORD_BYTES) + " bytes over)");
      }
      counts[i] = length / RECORD_BYTES;
    }
    return new Batches(List.copyOf(paths), counts);
  }

  /** A cursor over rows {@code [from, to)}, numbered across the files in order. */
  public static RowCursor cursor(Opener opener, Batches batches, long from, long to) {
    if (from < 0 || to > batches.total() || from > to) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") outside 0.." + batches.total());
    }
    return new Cursor(opener, batches, from, to);
  }

  private static final class Cursor implements RowCursor {
    private final Opener opener;
    private final Batches batches;
    private final long to;
    private final byte[] record = new byte[RECORD_BYTES];
    private final byte[] pixels = new byte[PIXELS];
    private long row;
    private int file = -1;
    private long fileStart;
    private InputStream in;

    Cursor(Opener opener, Batches batches, long from, long to) {
      this.opener = opener;
      this.batches = batches;
      this.to = to;
      this.row = from - 1;
    }

    @Override
    public boolean next() {
      if (row + 1 >= to) {
        close();
        row = to;
        return false;
      }
      row++;
      String path = null;
      try {
        // Open the file holding this row when the previous one is exhausted (or at the start).
        while (in == null || row >= fileStart + batches.counts()[file]) {
          close();
          fileStart = file < 0 ? 0 : fileStart + batches.counts()[file];
          file++;
          if (row < fileStart + batches.counts()[file]) {
            in = new BufferedInputStream(opener.open(batches.paths().get(file)), 1 << 16);
            in.skipNBytes((row - fileStart) * RECORD_BYTES);
          }
        }
        path = batches.paths().get(file);
        if (in.readNBytes(record, 0, RECORD_BYTES) != RECORD_BYTES) {
          throw BadInputException.of(path, "file is truncated", batches.counts()[file] + " records",
              "the data ends inside record " + (row - fileStart));
        }
      } catch (EOFException e) {
        throw BadInputException.of(batches.paths().get(file), "file is truncated", batches.counts()[file] + " records",
            "an earlier end");
      } catch (IOException e) {
        throw new BadInputException(batches.paths().get(Math.max(file, 0)) + ": cannot read: " + e, e);
      }
      int label = record[0] & 0xFF;
      if (label >= CLASSES) {
        throw BadInputException.of(path + " record " + (row - fileStart), "label out of range", "0..9",
            Integer.toString(label));
      }
      System.arraycopy(record, 1, pixels, 0, PIXELS);
      return true;
    }

    @Override
    public long index() {
      return row;
    }

    @Override
    public int label() {
      return record[0] & 0xFF;
    }

    @Override
    public byte[] pixels() {
      return pixels;
    }

    @Override
    public void close() {
      if (in != null) {
        try {
          in.close();
        } catch (IOException ignored) {
          // read-only stream; nothing to recover
        }
        in = null;
      }
    }
  }
}
