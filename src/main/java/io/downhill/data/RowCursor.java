package io.downhill.data;

/**
 * A forward-only view of labelled byte rows (images), read lazily from a file: call
 * {@link #next()} until it returns false, reading {@link #index()}, {@link #label()} and
 * {@link #pixels()} in between. The pixel array is reused between rows.
 */
public interface RowCursor extends AutoCloseable {

  /** Advances to the next row; false at the end of the range (after validating it). */
  boolean next();

  /** The row's index in the whole dataset (file order). */
  long index();

  int label();

  /** The row's pixel bytes (unsigned); valid until the next call to {@link #next()}. */
  byte[] pixels();

  @Override
  void close();
}
