package io.downhill.data;

import io.downhill.BadInputException;
import java.util.Locale;

/**
 * How cached rows are stored ({@code --storage}): {@code dense} row blocks (GEMM), {@code sparse}
 * CSR blocks (for wide, sparse data), or {@code auto}: sparse when the input rows are sparse
 * vectors (LIBSVM, hashed features) and CSR takes less than half the bytes of dense blocks, else
 * dense. Dense kernels are faster per stored value, so CSR must save memory clearly to be chosen.
 */
public enum Storage {
  DENSE, SPARSE, AUTO;

  public static Storage parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw BadInputException.of("--storage", "unknown storage", "dense, sparse or auto", "'" + text + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
