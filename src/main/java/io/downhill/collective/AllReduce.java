package io.downhill.collective;

import io.downhill.linalg.Buf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The rounds of one connected member ({@link Mesh} describes the protocol): its reduce-scatter and
 * all-gather over the links to its peers, and its share of the sum in rank order. With no peers
 * (a group of one) a round is that sum of the member's own part.
 */
final class AllReduce {
  private final int rank;
  private final int size;
  /** links[r]: the link to rank r; null at this member's own rank. */
  private final Link[] links;
  private final Watch watch;
  private ByteBuffer gather = ByteBuffer.allocate(0);
  /** Room for a peer's slice, copied out of its frame before it is added. */
  private float[] floats = new float[0];
  private double[] doubles = new double[0];
  private long lastRound;
  private boolean started;

  AllReduce(int rank, int size, Link[] links, Watch watch) {
    this.rank = rank;
    this.size = size;
    this.links = links;
    this.watch = watch;
  }

  /** One round; any failure breaks the mesh: the links close so that the peers fail at once too. */
  Sum round(long round, Part part, double[] into) throws IOException {
    try {
      watch.check("the start of round " + round);
      if (started && round <= lastRound) {
        throw new IllegalArgumentException("round " + round + " follows round " + lastRound
            + ": rounds must increase");
      }
      started = true;
      lastRound = round;
      if (into != null && into.length != part.length()) {
        throw new IllegalArgumentException("a round of " + part.length() + " values cannot sum into an array of "
            + into.length);
      }
      return exchange(round, part, into);
    } catch (IOException e) {
      watch.fail(e);
      close();
      throw e;
    } catch (RuntimeException e) {
      watch.fail(new IOException("round " + round + " failed on rank " + rank + ": " + e, e));
      close();
      throw e;
    }
  }

  private Sum exchange(long round, Part part, double[] into) throws IOException {
    int n = part.length();
    int k = part.scalars().length;
    Buf own = part.vector();
    int ownFlags = own == null ? 0 : own.f != null ? Frame.VECTOR | Frame.FLOAT32 : Frame.VECTOR;
    for (Link link : links) {
      if (link != null) {
        int lo = start(link.peer, n);
        int hi = start(link.peer + 1, n);
        int capacity = Frame.HEADER + Frame.scatterLength(ownFlags, k, hi - lo);
        link.send(capacity, out -> Frame.putScatter(out, round, rank, part, lo, hi));
      }
    }
    int lo = start(rank, n);
    int hi = start(rank + 1, n);
    double[] sum = null;
    double[] scalars = null;
    long max = Long.MIN_VALUE;
    for (int r = 0; r < size; r++) {
      if (r == rank) {
        scalars = accumulate(scalars, part.scalars());
        max = Math.max(max, part.max());
        if (own != null) {
          boolean first = sum == null;
          sum = first ? into != null ? into : new double[n] : sum;
          add(own, lo, hi, sum, first);
        }
        continue;
      }
      int flags = links[r].readHeader(round, Frame.SCATTER, n, k);
      ByteBuffer in = links[r].readPayload(Frame.scatterLength(flags, k, hi - lo), round, Frame.SCATTER);
      max = Math.max(max, in.getLong(0));
      scalars = accumulate(scalars, in, k);
      if ((flags & Frame.VECTOR) != 0) {
        boolean first = sum == null;
        sum = first ? into != null ? into : new double[n] : sum;
        add(in, 8 + 8 * k, (flags & Frame.FLOAT32) != 0, lo, hi, sum, first);
      }
    }
    if (sum != null) {
      allGather(round, n, k, sum, lo, hi);
    }
    for (Link link : links) {
      if (link != null) {
        link.awaitSent(round);
      }
    }
    return new Sum(sum, scalars, max);
  }

  /**
   * Sends this member's summed slice [lo, hi) to every peer and reads theirs into {@code sum}. The
   * frame is encoded once for the links that send it as it is (TCP), and straight into the buffer
   * of each link that would copy it anyway (memory), which saves that copy.
   */
  private void allGather(long round, int n, int k, double[] sum, int lo, int hi) throws IOException {
    if (hi > lo && size > 1) {
      int capacity = Frame.HEADER + Frame.gatherLength(hi - lo);
      int length = -1;
      for (Link link : links) {
        if (link == null) {
          continue;
        }
        if (link.copiesSentFrames()) {
          link.send(capacity, out -> Frame.putGather(out, round, rank, n, k, sum, lo, hi));
          continue;
        }
        if (length < 0) {
          if (gather.capacity() < capacity) {
            gather = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
          }
          length = Frame.putGather(gather, round, rank, n, k, sum, lo, hi);
        }
        link.send(gather, length);
      }
    }
    for (Link link : links) {
      int from = link == null ? 0 : start(link.peer, n);
      int to = link == null ? 0 : start(link.peer + 1, n);
      if (to > from) {
        link.readHeader(round, Frame.GATHER, n, k);
        ByteBuffer in = link.readPayload(Frame.gatherLength(to - from), round, Frame.GATHER);
        in.asDoubleBuffer().get(sum, from, to - from);
      }
    }
  }

  /** The first index of rank r's slice: r·n/P, in long arithmetic. */
  private int start(int r, int n) {
    return (int) ((long) r * n / size);
  }

  /** The first member's scalars are taken as they are (0.0 + -0.0 is not -0.0), the others added. */
  private static double[] accumulate(double[] sum, double[] scalars) {
    if (sum == null) {
      return scalars.clone();
    }
    for (int j = 0; j < sum.length; j++) {
      sum[j] += scalars[j];
    }
    return sum;
  }

  private static double[] accumulate(double[] sum, ByteBuffer in, int k) {
    double[] out = sum != null ? sum : new double[k];
    for (int j = 0; j < k; j++) {
      double s = in.getDouble(8 + 8 * j);
      out[j] = sum != null ? out[j] + s : s;
    }
    return out;
  }

  /**
   * sum[i] += v[i] for i in [lo, hi), widening to double: the driver's merge, one member's part. The
   * slice's first part is added to zero without reading the array ({@code 0.0 + v[i]}, the same bits
   * as adding it to a zeroed array, -0.0 included), so a reused array needs no zeroing pass.
   */
  private static void add(Buf v, int lo, int hi, double[] sum, boolean first) {
    if (v.f != null) {
      addFloats(v.f, lo, lo, hi - lo, sum, first);
    } else {
      addDoubles(v.d, lo, lo, hi - lo, sum, first);
    }
  }

  /**
   * The same for a peer's slice [lo, hi) read from {@code in} at {@code at}: copied out in bulk first,
   * then added as arrays (the loop over the buffer's values one by one, a call and bounds check each,
   * was the costliest part of a round in a JFR profile of training).
   */
  private void add(ByteBuffer in, int at, boolean single, int lo, int hi, double[] sum, boolean first) {
    int count = hi - lo;
    ByteBuffer values = in.slice(at, count * (single ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
    if (single) {
      floats = floats.length >= count ? floats : new float[count];
      values.asFloatBuffer().get(floats, 0, count);
      addFloats(floats, 0, lo, count, sum, first);
      return;
    }
    doubles = doubles.length >= count ? doubles : new double[count];
    values.asDoubleBuffer().get(doubles, 0, count);
    addDoubles(doubles, 0, lo, count, sum, first);
  }

  /** sum[lo + i] (+)= v[from + i] for i in [0, count): written when {@code first}, else added. */
  private static void addDoubles(double[] v, int from, int lo, int count, double[] sum, boolean first) {
    if (first) {
      for (int i = 0; i < count; i++) {
        sum[lo + i] = 0.0 + v[from + i];
      }
    } else {
      for (int i = 0; i < count; i++) {
        sum[lo + i] += v[from + i];
      }
    }
  }

  /** The same for floats, widened to double. */
  private static void addFloats(float[] v, int from, int lo, int count, double[] sum, boolean first) {
    if (first) {
      for (int i = 0; i < count; i++) {
        sum[lo + i] = 0.0 + v[from + i];
      }
    } else {
      for (int i = 0; i < count; i++) {
        sum[lo + i] += v[from + i];
      }
    }
  }

  long bytesSent() {
    long bytes = 0;
    for (Link link : links) {
      bytes += link == null ? 0 : link.bytesSent();
    }
    return bytes;
  }

  long messagesSent() {
    long messages = 0;
    for (Link link : links) {
      messages += link == null ? 0 : link.messagesSent();
    }
    return messages;
  }

  /** Closes every link and waits briefly for their sender threads to end; idempotent. */
  void close() {
    for (Link link : links) {
      if (link != null) {
        link.close();
      }
    }
    for (Link link : links) {
      if (link != null) {
        link.join(1000);
      }
    }
  }
}
