package io.downhill.collective;

import io.downhill.linalg.Buf;

/**
 * One member's contribution to an {@link Mesh#allReduce all-reduce round}.
 *
 * @param vector its values in float or double (only the first {@code length} count: a reused
 *     buffer may be longer), or null when this member contributes no vector this round
 * @param length n, the vector length, the same on every member (given even when vector is null)
 * @param scalars values summed element by element; the same length k on every member
 * @param max a value reduced by maximum
 */
public record Part(Buf vector, int length, double[] scalars, long max) {
  public Part {
    if (length < 0) {
      throw new IllegalArgumentException("a part's vector length must be >= 0; found " + length);
    }
    if (vector != null && vector.length() < length) {
      throw new IllegalArgumentException("a part of length " + length + " has a vector of only "
          + vector.length() + " values");
    }
    if (scalars == null) {
      throw new IllegalArgumentException("a part's scalars must not be null (use new double[0] for none)");
    }
  }
}
