package io.downhill.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Named slices of one flat parameter vector. Each slice is a row-major matrix with a
 * {@link Role} that says how it starts, whether it is penalized, decayed or max-normed, and
 * whether the optimizer trains it at all.
 */
public final class ParameterLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * What a slice is to training:
   * <pre>
   *   role     starts            regularized  decayed (AdamW)  max-normed  trained
   *   WEIGHT   Initializer draw  yes          yes              yes         yes
   *   BIAS     0                 no           no               no          yes
   *   SCALE    1                 no           no               no          yes
   *   SHIFT    0                 no           no               no          yes
   *   STATE    its layer         no           no               no          no
   * </pre>
   * STATE is non-trained state kept in θ (a normalization's running mean), so that broadcasts,
   * checkpoints and model files carry it like any parameter; its gradient is always 0 and its
   * layer updates it from batch statistics ({@link Layer#mergeStatsInPlace}).
   */
  public enum Role {
    WEIGHT, BIAS, SCALE, SHIFT, STATE;

    /** How {@link Initializer#initialize} starts a slice of this role. */
    public Start start() {
      return switch (this) {
        case WEIGHT -> Start.RANDOM;
        case BIAS, SHIFT -> Start.ZERO;
        case SCALE -> Start.ONE;
        case STATE -> Start.BY_LAYER;
      };
    }

    /** Penalized by the regularizer (L1, L2): weights only. */
    public boolean regularized() {
      return this == WEIGHT;
    }

    /** Shrunk by decoupled weight decay (AdamW): weights only. */
    public boolean decayed() {
      return this == WEIGHT;
    }

    /** Projected by the max-norm constraint, column by column: weights only. */
    public boolean maxNormed() {
      return this == WEIGHT;
    }

    /** Moved by the optimizer: everything but STATE. */
    public boolean trained() {
      return this != STATE;
    }
  }

  /** A slice's starting values. */
  public enum Start {
    /** Drawn by the {@link Initializer} (seeded). */
    RANDOM,
    ZERO,
    ONE,
    /** Set by the slice's layer ({@link Model#initializeInPlace}). */
    BY_LAYER
  }

  /** One named matrix inside the flat vector. */
  public record Slice(String name, int offset, int rows, int cols, Role role) implements Serializable {
    public int size() {
      return rows * cols;
    }

    public int end() {
      return offset + size();
    }
  }

  private final List<Slice> slices;
  private final int size;

  private ParameterLayout(List<Slice> slices) {
    this.slices = Collections.unmodifiableList(new ArrayList<>(slices));
    this.size = slices.isEmpty() ? 0 : slices.get(slices.size() - 1).end();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Total number of parameters. */
  public int size() {
    return size;
  }

  public List<Slice> slices() {
    return slices;
  }

  public Slice slice(String name) {
    for (Slice s : slices) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no parameter slice named " + name + " in " + names());
  }

  /** The slice holding flat index {@code i}. */
  public Slice sliceAt(int i) {
    for (Slice s : slices) {
      if (i >= s.offset() && i < s.end()) {
        return s;
      }
    }
    throw new IndexOutOfBoundsException("parameter " + i + " outside 0.." + (size - 1));
  }

  /** The slice holding flat index {@code i}, and where in it: e.g. "W1[12,3]". */
  public String describe(int i) {
    Slice s = sliceAt(i);
    int local = i - s.offset();
    return s.cols() == 1 || s.rows() == 1
        ? s.name() + "[" + local + "]"
        : s.name() + "[" + (local / s.cols()) + "," + (local % s.cols()) + "]";
  }

  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (Slice s : slices) {
      names.add(s.name());
    }
    return names;
  }

  /** Builds a layout slice by slice, in order. */
  public static final class Builder {
    private final List<Slice> slices = new ArrayList<>();
    private int offset;

    /** Appends a slice and returns its offset. */
    public int add(String name, int rows, int cols, Role role) {
      if (rows <= 0 || cols <= 0) {
        throw new IllegalArgumentException(name + " must have a positive shape, got " + rows + " x " + cols);
      }
      long end = (long) offset + (long) rows * cols;
      if (end > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("model has more than 2^31 parameters at " + name);
      }
      slices.add(new Slice(name, offset, rows, cols, role));
      int start = offset;
      offset = (int) end;
      return start;
    }

    public ParameterLayout build() {
      return new ParameterLayout(slices);
    }
  }
}
