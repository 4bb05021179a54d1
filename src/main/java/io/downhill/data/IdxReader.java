package io.downhill.data;

import io.downhill.BadInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or raw.
 *
 * <p>Layout: a 4-byte big-endian magic {@code 00 00 TYPE NDIMS}, then NDIMS big-endian int32
 * dimension sizes, then the data. Images are {@code 00 00 08 03} (unsigned bytes, 3 dims:
 * count, rows, columns), labels {@code 00 00 08 01}. Every inconsistency (magic, counts that
 * disagree between the two files, truncation, trailing bytes, corrupt gzip) is a
 * {@link BadInputException} naming the file.
 */
public final class IdxReader {
  /** File names tried, in order, for each of the four files of an IDX directory. */
  public static final String[] TRAIN_IMAGES = names("train-images", "idx3-ubyte");
  public static final String[] TRAIN_LABELS = names("train-labels", "idx1-ubyte");
  public static final String[] TEST_IMAGES = names("t10k-images", "idx3-ubyte");
  public static final String[] TEST_LABELS = names("t10k-labels", "idx1-ubyte");

  private static final int UNSIGNED_BYTE = 0x08;
  /** The most values one item (an image) may have: a Java array's limit. */
  static final long MAX_ITEM = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  private static String[] names(String stem, String kind) {
    // The hyphenated names are the usual ones; MNIST's originals used a dot before "idx".
    return new String[] {stem + "-" + kind + ".gz", stem + "-" + kind, stem + "." + kind + ".gz", stem + "." + kind};
  }

  /** The validated header of one IDX file. */
  public record Header(String path, int[] dims) implements Serializable {
    public int count() {
      return dims[0];
    }

    /** Values per item: rows x columns for images, 1 for labels. */
    public int itemLength() {
      int length = 1;
      for (int i = 1; i < dims.length; i++) {
        length *= dims[i];
      }
      return length;
    }

    /** Bytes before the data. */
    public int headerBytes() {
      return 4 + 4 * dims.length;
    }
  }

  /** An images file and its labels file, checked against each other. */
  public record Pair(Header images, Header labels) implements Serializable {
    public int count() {
      return images.count();
    }

    public int rows() {
      return images.dims()[1];
    }

    public int cols() {
      return images.dims()[2];
    }

    public int features() {
      return images.itemLength();
    }
  }

  /** Reads and cross-checks the headers of an images file and its labels file. */
  public static Pair open(Opener opener, String imagesPath, String labelsPath) {
    Header images = readHeader(opener, imagesPath, 3);
    Header labels = readHeader(opener, labelsPath, 1);
    if (images.count() != labels.count()) {
      throw BadInputException.of(labelsPath, "IDX count mismatch with " + imagesPath,
          images.count() + " labels (one per image)", labels.count() + " labels");
    }
    if (images.count() == 0) {
      throw BadInputException.of(imagesPath, "empty IDX file", "at least one image", "0 images");
    }
    return new Pair(images, labels);
  }

  /** Reads the magic number and dimensions of one file, expecting unsigned bytes in {@code ndims} dims. */
  public static Header readHeader(Opener opener, String path, int ndims) {
    try (DataInputStream in = new DataInputStream(openMaybeGzip(opener, path))) {
      int magic = in.readInt();
      int expectedMagic = (UNSIGNED_BYTE << 8) | ndims;
      if (magic != expectedMagic) {
        throw BadInputException.of(path, "wrong IDX magic number",
            String.format("0x%08X (unsigned bytes, %d dimension%s)", expectedMagic, ndims, ndims == 1 ? "" : "s"),
            String.format("0x%08X", magic));
      }
      int[] dims = new int[ndims];
      for (int i = 0; i < ndims; i++) {
        dims[i] = in.readInt();
        if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
          throw BadInputException.of(path, "invalid IDX dimension " + i, "a positive size", Integer.toString(dims[i]));
        }
      }
      long item = 1;
      StringBuilder shape = new StringBuilder();
      for (int i = 1; i < ndims; i++) {
        item *= dims[i]; // each dimension is below 2^31: the product of two fits a long
        shape.append(i > 1 ? " x " : "").append(dims[i]);
        if (item > MAX_ITEM) {
          throw BadInputException.of(path, "IDX header declares items too large to read",
              "at most " + MAX_ITEM + " values per item (rows x columns)", shape + " = " + item);
        }
      }
      return new Header(path, dims);
    } catch (IOException e) {
      throw ioProblem(path, "IDX header", e);
    }
  }

  /**
   * A cursor over items {@code [from, to)} of the pair. When {@code to == count} it also checks,
   * at the end, that both files end exactly there.
   */
  public static RowCursor cursor(Opener opener, Pair pair, int from, int to) {
    if (from < 0 || to > pair.count() || from > to) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") outside 0.." + pair.count());
    }
    Header im = pair.images();
    Header lb = pair.labels();
    byte[] labels = new byte[to - from];
    try (DataInputStream labelIn = new DataInputStream(openMaybeGzip(opener, lb.path()))) {
      skip(labelIn, lb.headerBytes() + (long) from, lb, from, "labels");
      readFully(labelIn, labels, lb, from, to, "labels");
      if (to == pair.count()) {
        expectEnd(labelIn, lb);
      }
    } catch (IOException e) {
      throw ioProblem(lb.path(), "labels", e);
    }
    DataInputStream in;
    try {
      in = new DataInputStream(openMaybeGzip(opener, im.path()));
      skip(in, im.headerBytes() + (long) from * im.itemLength(), im, from, "images");
    } catch (IOException e) {
      throw ioProblem(im.path(), "images", e);
    }
    return new ImageCursor(in, im, labels, from, to, to == pair.count());
  }

  private static final class ImageCursor implements RowCursor {
    private final DataInputStream in;
    private final Header header;
    private final byte[] labels;
    private final int from;
    private final int to;
    private final boolean checkEnd;
    private final byte[] pixels;
    private int current;

    ImageCursor(DataInputStream in, Header header, byte[] labels, int from, int to, boolean checkEnd) {
      this.in = in;
      this.header = header;
      this.labels = labels;
      this.from = from;
      this.to = to;
      this.checkEnd = checkEnd;
      this.pixels = new byte[header.itemLength()];
      this.current = from - 1;
    }

    @Override
    public boolean next() {
      try {
        if (current + 1 >= to) {
          if (checkEnd && current + 1 == to) {
            expectEnd(in, header);
          }
          current = to;
          return false;
        }
        try {
          in.readFully(pixels);
        } catch (EOFException e) {
          throw truncated(header, current + 1, "images", e);
        }
        current++;
        return true;
      } catch (IOException e) {
        throw ioProblem(header.path(), "images", e);
      }
    }

    @Override
    public long index() {
      return current;
    }

    @Override
    public int label() {
      return labels[current - from] & 0xFF;
    }

    @Override
    public byte[] pixels() {
      return pixels;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // read-only stream; nothing to recover
      }
    }
  }

  /** Reads the whole labels file and counts each label value 0..255 (for class statistics). */
  public static long[] labelCounts(Opener opener, Header labels) {
    long[] counts = new long[256];
    byte[] buffer = new byte[1 << 16];
    try (DataInputStream in = new DataInputStream(openMaybeGzip(opener, labels.path()))) {
      skip(in, labels.headerBytes(), labels, 0, "labels");
      int done = 0;
      while (done < labels.count()) {
        int chunk = Math.min(labels.count() - done, buffer.length);
        try {
          in.readFully(buffer, 0, chunk);
        } catch (EOFException e) {
          throw truncated(labels, done, "labels", e);
        }
        for (int i = 0; i < chunk; i++) {
          counts[buffer[i] & 0xFF]++;
        }
        done += chunk;
      }
      expectEnd(in, labels);
    } catch (IOException e) {
      throw ioProblem(labels.path(), "labels", e);
    }
    return counts;
  }

  private static void skip(DataInputStream in, long bytes, Header h, int from, String what) throws IOException {
    try {
      in.skipNBytes(bytes);
    } catch (EOFException e) {
      throw truncated(h, from, what, e);
    }
  }

  private static void readFully(DataInputStream in, byte[] dst, Header h, int from, int to, String what)
      throws IOException {
    try {
      in.readFully(dst);
    } catch (EOFException e) {
      throw truncated(h, from, what, e);
    }
  }

  private static BadInputException truncated(Header h, int item, String what, EOFException cause) {
    String detail = cause.getMessage() != null && cause.getMessage().contains("ZLIB")
        ? " (truncated gzip stream)" : "";
    return BadInputException.of(h.path(), "file is truncated" + detail,
        h.count() + " " + what + " as its header declares", "the data ends before " + what + " #" + item);
  }

  private static void expectEnd(InputStream in, Header h) throws IOException {
    long extra = 0;
    while (in.read() >= 0) {
      extra++;
    }
    if (extra > 0) {
      throw BadInputException.of(h.path(), "trailing data after the declared items",
          "exactly " + h.count() + " items", extra + " more byte" + (extra == 1 ? "" : "s"));
    }
  }

  private static BadInputException ioProblem(String path, String what, IOException e) {
    if (e instanceof FileNotFoundException) {
      return BadInputException.of(path, "file not found", "a readable IDX file", "nothing at that path");
    }
    if (e instanceof EOFException) {
      return BadInputException.of(path, "file is truncated", "a complete " + what + " section",
          "end of data (" + e.getMessage() + ")");
    }
    if (e instanceof ZipException) {
      return BadInputException.of(path, "corrupt gzip data", "a valid gzip stream", e.getMessage());
    }
    return new BadInputException(path + ": cannot read " + what + ": " + e, e);
  }

  /** Opens the file, transparently decompressing when it starts with the gzip magic 1f 8b. */
  public static InputStream openMaybeGzip(Opener opener, String path) throws IOException {
    BufferedInputStream in = new BufferedInputStream(opener.open(path), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return in;
  }
}
