package io.downhill.data;

import io.downhill.BadInputException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.testing.DataFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir
  Path dir;

  private List<int[]> readAll(IdxReader.Pair pair, int from, int to) {
    List<int[]> rows = new ArrayList<>();
    try (RowCursor c = IdxReader.cursor(Opener.LOCAL, pair, from, to)) {
      while (c.next()) {
        int[] row = new int[c.pixels().length + 2];
        row[0] = (int) c.index();
        row[1] = c.label();
        for (int i = 0; i < c.pixels().length; i++) {
          row[i + 2] = c.pixels()[i] & 0xFF;
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void readsGzipAndRawIdenticallyAndByRanges() throws IOException {
    DataFiles.writeIdxPair(dir.resolve("a.gz"), dir.resolve("l.gz"), 50, 4, 3, 10, 3, true);
    DataFiles.writeIdxPair(dir.resolve("a"), dir.resolve("l"), 50, 4, 3, 10, 3, false);
    IdxReader.Pair gz = IdxReader.open(Opener.LOCAL, dir.resolve("a.gz").toString(), dir.resolve("l.gz").toString());
    IdxReader.Pair raw = IdxReader.open(Opener.LOCAL, dir.resolve("a").toString(), dir.resolve("l").toString());
    assertEquals(50, gz.count());
    assertEquals(12, gz.features());
    assertEquals(4, gz.rows());
    assertEquals(3, gz.cols());
    List<int[]> all = readAll(gz, 0, 50);
    List<int[]> allRaw = readAll(raw, 0, 50);
    assertEquals(50, all.size());
    for (int i = 0; i < 50; i++) {
      assertArrayEquals(all.get(i), allRaw.get(i));
      assertEquals(i, all.get(i)[0]);
    }
    // Two ranges read separately give the same rows as one read.
    List<int[]> parts = new ArrayList<>(readAll(gz, 0, 17));
    parts.addAll(readAll(gz, 17, 50));
    for (int i = 0; i < 50; i++) {
      assertArrayEquals(all.get(i), parts.get(i));
    }
    // The pixels are the file's bytes after the 16-byte header.
    byte[] decompressed = new GZIPInputStream(Files.newInputStream(dir.resolve("a.gz"))).readAllBytes();
    assertEquals(decompressed[16 + 12 * 7 + 5] & 0xFF, all.get(7)[2 + 5]);
    long[] counts = IdxReader.labelCounts(Opener.LOCAL, gz.labels());
    assertEquals(50, Arrays.stream(counts).sum());
  }

  @Test
  void rejectsWrongMagicNamingTheFile() throws IOException {
    DataFiles.writeIdxPair(dir.resolve("a"), dir.resolve("l"), 5, 2, 2, 3, 1, false);
    // Images and labels swapped: the labels file has magic 0x00000801 where 0x00000803 is expected.
    BadInputException e = assertThrows(BadInputException.class,
        () -> IdxReader.open(Opener.LOCAL, dir.resolve("l").toString(), dir.resolve("a").toString()));
    assertTrue(e.getMessage().contains(dir.resolve("l").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("wrong IDX magic number: expected 0x00000803"), e.getMessage());
    assertTrue(e.getMessage().contains("found 0x00000801"), e.getMessage());
  }

  @Test
  void rejectsCountMismatchBetweenImagesAndLabels() throws IOException {
    DataFiles.writeIdxPair(dir.resolve("a"), dir.resolve("l"), 5, 2, 2, 3, 1, false);
    DataFiles.writeIdxPair(dir.resolve("a6"), dir.resolve("l6"), 6, 2, 2, 3, 1, false);
    BadInputException e = assertThrows(BadInputException.class,
        () -> IdxReader.open(Opener.LOCAL, dir.resolve("a").toString(), dir.resolve("l6").toString()));
    assertTrue(e.getMessage().contains("count mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains("expected 5 labels"), e.getMessage());
    assertTrue(e.getMessage().contains("found 6 labels"), e.getMessage());
  }

  @Test
  void rejectsTruncatedGzipWhenReadingTheEnd() throws IOException {
    DataFiles.writeIdxPair(dir.resolve("a.gz"), dir.resolve("l.gz"), 200, 8, 8, 10, 1, true);
    byte[] whole = Files.readAllBytes(dir.resolve("a.gz"));
    Files.write(dir.resolve("a.gz"), Arrays.copyOf(whole, whole.length * 2 / 3));
    IdxReader.Pair pair = IdxReader.open(Opener.LOCAL, dir.resolve("a.gz").toString(), dir.resolve("l.gz").toString());
    BadInputException e = assertThrows(BadInputException.class, () -> readAll(pair, 0, 200));
    assertTrue(e.getMessage().contains("a.gz"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void rejectsTruncatedRawFileAndTrailingBytes() throws IOException {
    DataFiles.writeIdxPair(dir.resolve("a"), dir.resolve("l"), 10, 2, 2, 3, 1, false);
    byte[] whole = Files.readAllBytes(dir.resolve("a"));
    Files.write(dir.resolve("short"), Arrays.copyOf(whole, whole.length - 3));
    IdxReader.Pair shortPair = IdxReader.open(Opener.LOCAL, dir.resolve("short").toString(), dir.resolve("l").toString());
    BadInputException e = assertThrows(BadInputException.class, () -> readAll(shortPair, 0, 10));
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("images #9"), e.getMessage());

    byte[] longer = Arrays.copyOf(whole, whole.length + 4);
    Files.write(dir.resolve("long"), longer);
    IdxReader.Pair longPair = IdxReader.open(Opener.LOCAL, dir.resolve("long").toString(), dir.resolve("l").toString());
    assertEquals(10, readAll(longPair, 0, 9).size() + 1); // a range that stops early does not look at the end
    BadInputException t = assertThrows(BadInputException.class, () -> readAll(longPair, 0, 10));
    assertTrue(t.getMessage().contains("trailing data") && t.getMessage().contains("4 more bytes"), t.getMessage());
  }

  @Test
  void rejectsMissingAndEmptyFiles() throws IOException {
    BadInputException missing = assertThrows(BadInputException.class,
        () -> IdxReader.readHeader(Opener.LOCAL, dir.resolve("nope").toString(), 3));
    assertTrue(missing.getMessage().contains("file not found"), missing.getMessage());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(0x803);
    out.writeInt(0);
    out.writeInt(2);
    out.writeInt(2);
    Files.write(dir.resolve("empty-images"), bytes.toByteArray());
    bytes.reset();
    out.writeInt(0x801);
    out.writeInt(0);
    Files.write(dir.resolve("empty-labels"), bytes.toByteArray());
    BadInputException empty = assertThrows(BadInputException.class, () -> IdxReader.open(Opener.LOCAL,
        dir.resolve("empty-images").toString(), dir.resolve("empty-labels").toString()));
    assertTrue(empty.getMessage().contains("empty IDX file"), empty.getMessage());

    Files.write(dir.resolve("zero"), new byte[0]);
    BadInputException zero = assertThrows(BadInputException.class,
        () -> IdxReader.readHeader(Opener.LOCAL, dir.resolve("zero").toString(), 3));
    assertTrue(zero.getMessage().contains("truncated"), zero.getMessage());
  }
}
