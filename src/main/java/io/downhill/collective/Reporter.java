package io.downhill.collective;

import java.io.IOException;
import java.net.Socket;
import java.util.List;

/**
 * A member's report channel to the driver, best effort: at most one report every
 * {@value #REPORT_MILLIS} ms (the step that ends a segment always), written as it comes (16 bytes
 * that the socket's buffer takes without waiting), and silent once the driver has stopped
 * listening: reports move the driver's progress line, nothing else depends on them.
 */
public final class Reporter implements AutoCloseable {
  static final int FRAME = 16;
  /** At most one report in this many milliseconds (a segment's last step always goes). */
  private static final int REPORT_MILLIS = 100;
  private final List<String> roll;
  private final Socket socket;
  private final java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(FRAME)
      .order(java.nio.ByteOrder.LITTLE_ENDIAN);
  private long last;
  private boolean sent;
  private boolean broken;

  Reporter(List<String> roll, Socket socket) {
    this.roll = roll;
    this.socket = socket;
  }

  /** The members' addresses in rank order, as {@code Rendezvous.join} returns them. */
  public List<String> roll() {
    return roll;
  }

  /** Reports step {@code step} (the run's count) and its loss; {@code last}: the segment's final step. */
  public void report(long step, double loss, boolean last) {
    long now = System.nanoTime();
    if (broken || (!last && sent && now - this.last < REPORT_MILLIS * 1_000_000L)) {
      return;
    }
    this.last = now;
    sent = true;
    try {
      frame.clear();
      socket.getOutputStream().write(frame.putLong(step).putDouble(loss).array());
    } catch (IOException e) {
      broken = true; // the driver stopped listening (its session ended): reports are best effort
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing is left to report to
    }
  }
}
