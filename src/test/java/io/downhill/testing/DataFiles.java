package io.downhill.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Writes small datasets in the exact on-disk formats, for reader tests. */
public final class DataFiles {
  private DataFiles() {}

  /**
   * How generated pixels look: {@code base + (the pixel is in the label's pattern ? signal : 0) +
   * U[0, noise)}, a class-dependent pattern plus noise, learnable so that tests can train on it.
   */
  public record Pixels(int signal, int base, int noise) {
    /** The default: a strong pattern (values 20..79 off it, 180..239 on it). */
    public static final Pixels CLEAR = new Pixels(160, 20, 60);
  }

  /** IDX images (magic 0x00000803) and labels (0x00000801) of {@code count} random rows x cols images. */
  public static void writeIdxPair(Path images, Path labels, int count, int rows, int cols, int classes, long seed,
      boolean gzip) throws IOException {
    writeIdxPair(images, labels, count, rows, cols, classes, seed, gzip, Pixels.CLEAR);
  }

  /** {@link #writeIdxPair(Path, Path, int, int, int, int, long, boolean)} with pixels drawn as {@code pixels} says. */
  public static void writeIdxPair(Path images, Path labels, int count, int rows, int cols, int classes, long seed,
      boolean gzip, Pixels pixels) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    ByteArrayOutputStream im = new ByteArrayOutputStream();
    DataOutputStream di = new DataOutputStream(im);
    di.writeInt(0x00000803);
    di.writeInt(count);
    di.writeInt(rows);
    di.writeInt(cols);
    ByteArrayOutputStream lb = new ByteArrayOutputStream();
    DataOutputStream dl = new DataOutputStream(lb);
    dl.writeInt(0x00000801);
    dl.writeInt(count);
    for (int i = 0; i < count; i++) {
      int label = rng.nextInt(classes);
      dl.writeByte(label);
      for (int p = 0; p < rows * cols; p++) {
        di.writeByte(pixels.base() + (p % classes == label ? pixels.signal() : 0) + rng.nextInt(pixels.noise()));
      }
    }
    write(images, im.toByteArray(), gzip);
    write(labels, lb.toByteArray(), gzip);
  }

  /** An IDX directory with the four standard files. */
  public static Path idxDirectory(Path dir, int train, int test, int rows, int cols, int classes, boolean gzip)
      throws IOException {
    Files.createDirectories(dir);
    String ext = gzip ? ".gz" : "";
    writeIdxPair(dir.resolve("train-images-idx3-ubyte" + ext), dir.resolve("train-labels-idx1-ubyte" + ext), train,
        rows, cols, classes, 1, gzip);
    writeIdxPair(dir.resolve("t10k-images-idx3-ubyte" + ext), dir.resolve("t10k-labels-idx1-ubyte" + ext), test,
        rows, cols, classes, 2, gzip);
    return dir;
  }

  public static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(bytes);
    }
  }

  /** A CIFAR-10 binary batch: {@code count} records of 1 label byte + 3072 pixel bytes; label i % 10 by default. */
  public static byte[] cifarBatch(int count, int firstLabel) {
    byte[] bytes = new byte[count * 3073];
    for (int i = 0; i < count; i++) {
      int label = (firstLabel + i) % 10;
      bytes[i * 3073] = (byte) label;
      for (int p = 0; p < 3072; p++) {
        bytes[i * 3073 + 1 + p] = (byte) ((label * 25 + p + i) & 0xFF);
      }
    }
    return bytes;
  }

  /** A CIFAR-10 directory: data_batch_1..5.bin with {@code perBatch} records each, test_batch.bin with {@code test}. */
  public static Path cifarDirectory(Path dir, int perBatch, int test) throws IOException {
    Files.createDirectories(dir);
    for (int b = 1; b <= 5; b++) {
      Files.write(dir.resolve("data_batch_" + b + ".bin"), cifarBatch(perBatch, b));
    }
    Files.write(dir.resolve("test_batch.bin"), cifarBatch(test, 0));
    return dir;
  }

  /** A text file of lines. */
  public static Path lines(Path file, List<String> lines) throws IOException {
    Files.write(file, lines);
    return file;
  }

  /**
   * LIBSVM lines of a linear regression with a known truth: {@code y = w·x + b + noise·ε}, every
   * feature {@code x_j} and {@code ε} standard normal, seeded; all d features written on every line.
   */
  public static List<String> regressionLines(int rows, double[] w, double b, double noise, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    List<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < rows; i++) {
      StringBuilder features = new StringBuilder();
      double y = b;
      for (int j = 0; j < w.length; j++) {
        double x = rng.nextGaussian();
        y += w[j] * x;
        features.append(' ').append(j + 1).append(':').append(x);
      }
      lines.add((y + noise * rng.nextGaussian()) + features.toString());
    }
    return lines;
  }
}
