package io.downhill.model;

/**
 * Where the layers of a model being built ({@link Model#of}) declare their parameters: the
 * {@link ParameterLayout} under construction, and the block numbers that name the slices. Each
 * dense layer starts a block, so a network's slices are {@code W1, b1, W2, b2, ...} (the layers
 * after a dense layer share its number); the linear model's are plain {@code W, b}.
 */
public final class Slices {
  private final ParameterLayout.Builder layout = ParameterLayout.builder();
  private final boolean numbered;
  private int block;

  /** @param numbered whether slice names carry block numbers (every model but the linear one) */
  Slices(boolean numbered) {
    this.numbered = numbered;
  }

  /** Starts the next block and returns its number (1 for the first dense layer). */
  public int nextBlock() {
    return ++block;
  }

  /** The current block's number: 0 before the first dense layer. Dropout salts its masks with it. */
  public int block() {
    return block;
  }

  /** Appends a slice named {@code base} and the block number, e.g. "W2"; returns its offset in θ. */
  public int add(String base, int rows, int cols, ParameterLayout.Role role) {
    return layout.add(numbered ? base + block : base, rows, cols, role);
  }

  ParameterLayout layout() {
    return layout.build();
  }
}
