package io.downhill.collective;

import io.downhill.linalg.Buf;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The frames of an all-reduce round after the handshake: a {@value #HEADER}-byte header, checked
 * against what the reader expects before it reads (or makes room for) the payload, then the payload.
 * All numbers little-endian.
 *
 * <pre>
 * header   int magic, long round, byte phase, byte flags, int from (rank), int n, int k, int payload bytes
 * phase 1  reduce-scatter, to the owner of slice [lo, hi): long max, k doubles (scalars), then the
 *          sender's values [lo, hi) as hi-lo floats (flags VECTOR|FLOAT32) or doubles (VECTOR), or
 *          nothing (flags 0: no vector this round)
 * phase 2  all-gather, from the owner of slice [lo, hi): its summed values as hi-lo doubles (flags 0)
 * </pre>
 */
final class Frame {
  static final int MAGIC = 0x46484444; // "DDHF" in little-endian bytes
  static final int HEADER = 30;
  static final int SCATTER = 1;
  static final int GATHER = 2;
  /** Flag: the sender contributes a vector this round. */
  static final int VECTOR = 1;
  /** Flag: the vector's values travel as floats (4 bytes each), else as doubles. */
  static final int FLOAT32 = 2;

  private Frame() {}

  static String phaseName(int phase) {
    return phase == SCATTER ? "reduce-scatter" : phase == GATHER ? "all-gather" : "phase " + phase;
  }

  /** Payload bytes of a reduce-scatter frame with these flags, k scalars and a slice of {@code values}. */
  static int scatterLength(int flags, int k, int values) {
    int bytes = (flags & VECTOR) == 0 ? 0 : (flags & FLOAT32) != 0 ? 4 : 8;
    return checkedLength(8 + 8L * k + (long) bytes * values);
  }

  /** Payload bytes of an all-gather frame of a slice of {@code values}. */
  static int gatherLength(int values) {
    return checkedLength(8L * values);
  }

  private static int checkedLength(long payload) {
    if (payload > Integer.MAX_VALUE - HEADER) {
      throw new IllegalArgumentException("a frame of " + payload + " bytes is over the 2 GiB a frame can "
          + "carry: use more members or a shorter vector");
    }
    return (int) payload;
  }

  /** Writes a reduce-scatter frame of {@code part}'s slice [lo, hi) from 0; returns its length. */
  static int putScatter(ByteBuffer out, long round, int from, Part part, int lo, int hi) {
    Buf v = part.vector();
    int flags = v == null ? 0 : v.f != null ? VECTOR | FLOAT32 : VECTOR;
    double[] scalars = part.scalars();
    int payload = scatterLength(flags, scalars.length, hi - lo);
    putHeader(out, round, SCATTER, flags, from, part.length(), scalars.length, payload);
    out.putLong(HEADER, part.max());
    int at = HEADER + 8;
    for (double s : scalars) {
      out.putDouble(at, s);
      at += 8;
    }
    if (v != null && v.f != null) {
      out.position(at).asFloatBuffer().put(v.f, lo, hi - lo);
    } else if (v != null) {
      out.position(at).asDoubleBuffer().put(v.d, lo, hi - lo);
    }
    return HEADER + payload;
  }

  /** Writes an all-gather frame of {@code sum[lo, hi)} from 0; returns its length. */
  static int putGather(ByteBuffer out, long round, int from, int n, int k, double[] sum, int lo, int hi) {
    int payload = gatherLength(hi - lo);
    putHeader(out, round, GATHER, 0, from, n, k, payload);
    out.position(HEADER).asDoubleBuffer().put(sum, lo, hi - lo);
    return HEADER + payload;
  }

  private static void putHeader(ByteBuffer out, long round, int phase, int flags, int from, int n, int k,
      int payload) {
    out.putInt(0, MAGIC).putLong(4, round).put(12, (byte) phase).put(13, (byte) flags).putInt(14, from)
        .putInt(18, n).putInt(22, k).putInt(26, payload);
  }

  /**
   * Checks a received header against the expected round, phase, sender, n and k; returns its flags.
   * {@code who} names the sender in the message.
   */
  static int check(ByteBuffer header, String who, long round, int phase, int from, int n, int k)
      throws IOException {
    int magic = header.getInt(0);
    if (magic != MAGIC) {
      throw new IOException(who + " sent a frame that does not start with the mesh frame magic "
          + hex(MAGIC) + " (found " + hex(magic) + ", waiting for its " + phaseName(phase) + " frame of round "
          + round + ")");
    }
    expect(who, round, phase, "round", round, header.getLong(4));
    expect(who, round, phase, "phase", phase, header.get(12));
    expect(who, round, phase, "sender rank", from, header.getInt(14));
    expect(who, round, phase, "vector length n (the same on every member)", n, header.getInt(18));
    expect(who, round, phase, "number of scalars k (the same on every member)", k, header.getInt(22));
    int flags = header.get(13);
    int allowed = phase == SCATTER ? VECTOR | FLOAT32 : 0;
    if ((flags & ~allowed) != 0 || flags == FLOAT32) {
      throw new IOException(who + " sent a frame with flags " + flags + ", expected " + (phase == SCATTER
          ? "0 (no vector), " + VECTOR + " (doubles) or " + (VECTOR | FLOAT32) + " (floats)" : "0")
          + " (waiting for its " + phaseName(phase) + " frame of round " + round + ")");
    }
    return flags;
  }

  /** The payload length a header announces. */
  static int payloadLength(ByteBuffer header) {
    return header.getInt(26);
  }

  private static void expect(String who, long round, int phase, String field, long expected, long found)
      throws IOException {
    if (expected != found) {
      throw new IOException(who + " sent a frame with " + field + " " + found + ", expected " + expected
          + " (waiting for its " + phaseName(phase) + " frame of round " + round + ")");
    }
  }

  static String hex(int value) {
    return String.format("0x%08x", value);
  }
}
