package io.downhill.linalg;

import java.io.Serializable;

/**
 * A sparse {@code n x d} matrix in compressed sparse row form: row {@code i}'s non-zeros are at
 * positions {@code rowPtr[i] .. rowPtr[i+1]-1} of {@code cols} (column indices, strictly increasing
 * within a row) and {@code values} (float32 or float64, one {@link Buf}). The storage of wide,
 * sparse data (hashed text or one-hot features, 2^18..2^22 columns, tens of non-zeros per row),
 * where a dense row block would hold mostly zeros.
 *
 * <p>Memory: {@code 4·(n+1) + (4 + 4)·nnz} bytes in float32, against {@code 4·n·d} dense.
 */
public final class Csr implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int rows;
  private final int cols;
  private final int[] rowPtr;
  private final int[] colIdx;
  private final Buf values;

  /**
   * @throws IllegalArgumentException when the arrays do not describe a valid CSR matrix (pointer
   *     count, monotone pointers, column indices in range and increasing within each row)
   */
  public Csr(int rows, int cols, int[] rowPtr, int[] colIdx, Buf values) {
    if (rows < 0 || cols < 0 || rowPtr.length != rows + 1 || rowPtr[0] != 0) {
      throw new IllegalArgumentException("CSR " + rows + " x " + cols + ": expected " + (rows + 1)
          + " row pointers starting at 0, found " + rowPtr.length);
    }
    int nnz = rowPtr[rows];
    if (colIdx.length < nnz || values.length() < nnz) {
      throw new IllegalArgumentException("CSR with " + nnz + " non-zeros: " + colIdx.length + " column indices, "
          + values.length() + " values");
    }
    for (int i = 0; i < rows; i++) {
      if (rowPtr[i + 1] < rowPtr[i]) {
        throw new IllegalArgumentException("CSR row pointers decrease at row " + i);
      }
      for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        int j = colIdx[p];
        if (j < 0 || j >= cols || (p > rowPtr[i] && j <= colIdx[p - 1])) {
          throw new IllegalArgumentException("CSR row " + i + ": column " + j + " out of range [0, " + cols
              + ") or not increasing");
        }
      }
    }
    this.rows = rows;
    this.cols = cols;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
  }

  /** The non-zeros of a dense row-major {@code n x d} matrix (tests, and small dense inputs). */
  public static Csr fromDense(Buf dense, int n, int d) {
    int[] ptr = new int[n + 1];
    int nnz = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        if (dense.get(i * d + j) != 0) {
          nnz++;
        }
      }
      ptr[i + 1] = nnz;
    }
    int[] idx = new int[nnz];
    Buf v = Buf.allocate(dense.precision(), nnz);
    int p = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        double x = dense.get(i * d + j);
        if (x != 0) {
          idx[p] = j;
          v.set(p++, x);
        }
      }
    }
    return new Csr(n, d, ptr, idx, v);
  }

  /** The matrix as dense row-major {@code n x d} (tests). */
  public Buf toDense() {
    Buf out = Buf.allocate(values.precision(), rows * cols);
    for (int i = 0; i < rows; i++) {
      for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
        out.set(i * cols + colIdx[p], values.get(p));
      }
    }
    return out;
  }

  /**
   * A new CSR of rows {@code order[from..to)}, in that order: a minibatch gathered from a cached
   * block, touching only the chosen rows.
   */
  public Csr gather(int[] order, int from, int to) {
    int n = to - from;
    int[] ptr = new int[n + 1];
    for (int i = 0; i < n; i++) {
      ptr[i + 1] = ptr[i] + rowLength(order[from + i]);
    }
    int[] idx = new int[ptr[n]];
    Buf v = Buf.allocate(values.precision(), ptr[n]);
    for (int i = 0; i < n; i++) {
      copyRow(order[from + i], idx, v, ptr[i]);
    }
    return new Csr(n, cols, ptr, idx, v);
  }

  /**
   * The columns with a non-zero in any row, in increasing order: the rows of a first-layer weight
   * matrix this batch reads and whose gradient it writes. {@code marks} is a scratch bit set of at
   * least {@code ⌈d/64⌉} zero words, left zeroed. O(nnz + d/64).
   */
  public int[] distinctColumns(long[] marks) {
    int words = (cols + 63) >>> 6;
    if (marks.length < words) {
      throw new IllegalArgumentException("bit set of " + marks.length + " words for " + cols + " columns");
    }
    int nnz = rowPtr[rows];
    int distinct = 0;
    for (int p = 0; p < nnz; p++) {
      int j = colIdx[p];
      long bit = 1L << j;
      if ((marks[j >>> 6] & bit) == 0) {
        marks[j >>> 6] |= bit;
        distinct++;
      }
    }
    int[] out = new int[distinct];
    int k = 0;
    for (int w = 0; w < words && k < distinct; w++) {
      long word = marks[w];
      while (word != 0) {
        out[k++] = (w << 6) + Long.numberOfTrailingZeros(word);
        word &= word - 1;
      }
      marks[w] = 0;
    }
    return out;
  }

  /** The number of non-zeros of row {@code i}. */
  public int rowLength(int i) {
    return rowPtr[i + 1] - rowPtr[i];
  }

  /** Copies row {@code i}'s column indices and values to {@code idx}/{@code v} from position {@code at}. */
  public void copyRow(int i, int[] idx, Buf v, int at) {
    int len = rowLength(i);
    System.arraycopy(colIdx, rowPtr[i], idx, at, len);
    if (v.f != null && values.f != null) {
      System.arraycopy(values.f, rowPtr[i], v.f, at, len);
    } else if (v.d != null && values.d != null) {
      System.arraycopy(values.d, rowPtr[i], v.d, at, len);
    } else {
      for (int p = 0; p < len; p++) {
        v.set(at + p, values.get(rowPtr[i] + p));
      }
    }
  }

  /** Adds row {@code i}'s non-zeros into the dense {@code out} (length d). */
  public void addRowTo(int i, double[] out) {
    for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      out[colIdx[p]] += values.get(p);
    }
  }

  /** Calls {@code visit(column, value)} for row {@code i}'s non-zeros, in column order. */
  public void forEachInRow(int i, NonZero visit) {
    for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      visit.accept(colIdx[p], values.get(p));
    }
  }

  /** A visitor of one non-zero. */
  @FunctionalInterface
  public interface NonZero {
    void accept(int column, double value);
  }

  /** Rows {@code from..to-1} as a new CSR (a chunk of a block, for evaluation). */
  public Csr rows(int from, int to) {
    int n = to - from;
    int[] ptr = new int[n + 1];
    for (int i = 0; i <= n; i++) {
      ptr[i] = rowPtr[from + i] - rowPtr[from];
    }
    int[] idx = java.util.Arrays.copyOfRange(colIdx, rowPtr[from], rowPtr[to]);
    Buf v = Buf.allocate(values.precision(), ptr[n]);
    for (int i = 0; i < n; i++) {
      copyRow(from + i, idx, v, ptr[i]);
    }
    return new Csr(n, cols, ptr, idx, v);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public long nonZeros() {
    return rowPtr[rows];
  }

  public Precision precision() {
    return values.precision();
  }

  /** Bytes held: row pointers, column indices and values. */
  public long bytes() {
    return 4L * rowPtr.length + 4L * nonZeros() + (long) precision().bytes() * nonZeros();
  }

  int[] rowPtr() {
    return rowPtr;
  }

  int[] colIdx() {
    return colIdx;
  }

  Buf values() {
    return values;
  }

  @Override
  public String toString() {
    return "CSR " + rows + " x " + cols + ", " + nonZeros() + " non-zeros (" + precision() + ")";
  }
}
