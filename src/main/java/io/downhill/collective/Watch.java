package io.downhill.collective;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * What every wait of one {@link Mesh} obeys: at most {@code timeout}, ended early by
 * {@code cancelled} (polled every {@value #POLL_MILLIS} ms) or by the first failure of any of the
 * member's threads, which is kept so that the calling thread reports it whichever wait it is in.
 */
final class Watch {
  /** SO_TIMEOUT of every socket: how often a blocked read or accept wakes to poll. */
  static final int POLL_MILLIS = 200;

  private final Duration timeout;
  private final long timeoutNanos;
  private final BooleanSupplier cancelled;
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  Watch(Duration timeout, BooleanSupplier cancelled) {
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.cancelled = cancelled;
  }

  Duration timeout() {
    return timeout;
  }

  /** Records the member's first failure; later ones are dropped (usually its consequences). */
  void fail(IOException e) {
    failure.compareAndSet(null, e);
  }

  /** Throws the recorded failure (in a new exception with this thread's trace) or a cancellation. */
  void check(String waitingFor) throws IOException {
    IOException first = failure.get();
    if (first != null) {
      throw new IOException(first.getMessage(), first);
    }
    if (cancelled.getAsBoolean()) {
      throw new InterruptedIOException("cancelled while waiting for " + waitingFor);
    }
  }

  /** True once {@code timeout} has passed since {@code startNanos}. */
  boolean expired(long startNanos) {
    return System.nanoTime() - startNanos >= timeoutNanos;
  }

  /** The timeout in words: "5 s", "1.5 s", "200 ms". */
  String timeoutText() {
    long ms = timeout.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms >= 1000 ? ms / 1000.0 + " s" : ms + " ms";
  }

  /**
   * Reads exactly {@code len} bytes from a socket's stream (SO_TIMEOUT {@value #POLL_MILLIS} ms),
   * waiting at most {@code timeout} in all. {@code who} names the peer, {@code what} the bytes.
   */
  void readFully(InputStream in, byte[] b, int off, int len, String who, String what) throws IOException {
    long start = System.nanoTime();
    int done = 0;
    while (done < len) {
      int got;
      try {
        got = in.read(b, off + done, len - done);
      } catch (SocketTimeoutException e) {
        check(what + " from " + who);
        if (expired(start)) {
          throw new SocketTimeoutException(who + (done == 0 ? " sent nothing" : " sent only " + done + " of "
              + len + " bytes") + " for " + timeoutText() + " (waiting for " + what + ")");
        }
        continue;
      } catch (IOException e) {
        check(what + " from " + who);
        throw new IOException(who + ": " + e.getMessage() + " (waiting for " + what + ")", e);
      }
      if (got < 0) {
        check(what + " from " + who);
        throw new EOFException(who + " closed its connection (waiting for " + what + ")");
      }
      done += got;
    }
  }
}
