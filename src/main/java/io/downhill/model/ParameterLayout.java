package io.downhill.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Named slices of one flat parameter vector. Each slice is a row-major matrix; weight slices
 * are regularized, bias slices never are.
 */
public final class ParameterLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One named matrix inside the flat vector. */
  public record Slice(String name, int offset, int rows, int cols, boolean regularized) implements Serializable {
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

  /** The slice holding flat index {@code i}, and where in it: e.g. "W1[12,3]". */
  public String describe(int i) {
    for (Slice s : slices) {
      if (i >= s.offset() && i < s.end()) {
        int local = i - s.offset();
        return s.cols() == 1 || s.rows() == 1
            ? s.name() + "[" + local + "]"
            : s.name() + "[" + (local / s.cols()) + "," + (local % s.cols()) + "]";
      }
    }
    throw new IndexOutOfBoundsException("parameter " + i + " outside 0.." + (size - 1));
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
    public int add(String name, int rows, int cols, boolean regularized) {
      if (rows <= 0 || cols <= 0) {
        throw new IllegalArgumentException(name + " must have a positive shape, got " + rows + " x " + cols);
      }
      long end = (long) offset + (long) rows * cols;
      if (end > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("model has more than 2^31 parameters at " + name);
      }
      slices.add(new Slice(name, offset, rows, cols, regularized));
      int start = offset;
      offset = (int) end;
      return start;
    }

    public ParameterLayout build() {
      return new ParameterLayout(slices);
    }
  }
}
