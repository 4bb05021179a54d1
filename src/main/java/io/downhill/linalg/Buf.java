package io.downhill.linalg;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A flat array of one precision: exactly one of {@link #f} and {@link #d} is non-null.
 *
 * <p>Why not two classes or generics: Java has no generics over primitive arrays, and the models
 * must run the same layer code in float32 (training) and float64 (gradient checks). A buffer that
 * carries its precision lets every layer be written once; the few kernels that touch elements
 * ({@link Ops}) hold their float and double loops side by side.
 */
public final class Buf implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The float32 storage, or null. */
  public final float[] f;
  /** The float64 storage, or null. */
  public final double[] d;

  private Buf(float[] f, double[] d) {
    this.f = f;
    this.d = d;
  }

  /**
   * Serialized as bytes in bulk ({@link Packed}): Java serialization writes a float[] element by
   * element ({@code Bits.putFloat}), which JFR showed as the largest cost of a wide model's step on
   * both sides (θ into the tasks, the partial gradients back).
   */
  private Object writeReplace() {
    return new Packed(this);
  }

  /** A buffer's wire form: its precision and its elements as little-endian bytes. */
  private static final class Packed implements Serializable {
    private static final long serialVersionUID = 1L;
    private final boolean single;
    private final byte[] bytes;

    Packed(Buf b) {
      single = b.f != null;
      ByteBuffer out = ByteBuffer.allocate(single ? 4 * b.f.length : 8 * b.d.length).order(ByteOrder.LITTLE_ENDIAN);
      if (single) {
        out.asFloatBuffer().put(b.f);
      } else {
        out.asDoubleBuffer().put(b.d);
      }
      bytes = out.array();
    }

    private Object readResolve() {
      ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      if (single) {
        float[] f = new float[bytes.length / 4];
        in.asFloatBuffer().get(f);
        return Buf.wrap(f);
      }
      double[] d = new double[bytes.length / 8];
      in.asDoubleBuffer().get(d);
      return Buf.wrap(d);
    }
  }

  public static Buf allocate(Precision precision, int length) {
    return precision == Precision.FLOAT32 ? new Buf(new float[length], null) : new Buf(null, new double[length]);
  }

  public static Buf wrap(float[] values) {
    return new Buf(values, null);
  }

  public static Buf wrap(double[] values) {
    return new Buf(null, values);
  }

  public Precision precision() {
    return f != null ? Precision.FLOAT32 : Precision.FLOAT64;
  }

  public int length() {
    return f != null ? f.length : d.length;
  }

  public double get(int i) {
    return f != null ? f[i] : d[i];
  }

  public void set(int i, double value) {
    if (f != null) {
      f[i] = (float) value;
    } else {
      d[i] = value;
    }
  }

  /** This buffer if it has at least {@code length} elements and this precision, else a new one. */
  public static Buf ensure(Buf current, Precision precision, int length) {
    if (current != null && current.precision() == precision && current.length() >= length) {
      return current;
    }
    return allocate(precision, Math.max(length, 1));
  }

  /** Sets the first {@code length} elements to zero. */
  public void zero(int length) {
    if (f != null) {
      Arrays.fill(f, 0, length, 0f);
    } else {
      Arrays.fill(d, 0, length, 0.0);
    }
  }

  /** Copies {@code src[0..length)} (double) into this buffer, rounding to float32 if needed. */
  public void copyFrom(double[] src, int length) {
    if (f != null) {
      for (int i = 0; i < length; i++) {
        f[i] = (float) src[i];
      }
    } else {
      System.arraycopy(src, 0, d, 0, length);
    }
  }

  /** {@code dst[i] += this[offset + i]} for i in [0, length): widening to double. */
  public void addTo(int offset, double[] dst, int length) {
    if (f != null) {
      for (int i = 0; i < length; i++) {
        dst[i] += f[offset + i];
      }
    } else {
      for (int i = 0; i < length; i++) {
        dst[i] += d[offset + i];
      }
    }
  }

  /** Copies {@code this[offset .. offset+length)} into {@code dst[0..length)} as double. */
  public void copyTo(int offset, double[] dst, int length) {
    if (f != null) {
      for (int i = 0; i < length; i++) {
        dst[i] = f[offset + i];
      }
    } else {
      System.arraycopy(d, offset, dst, 0, length);
    }
  }
}
