package io.downhill.collective;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * A {@link Link} over one authenticated TCP connection to a peer. The member's calling thread reads frames
 * from it; a sender thread of its own writes the frames handed to it. So a member sends to all its
 * peers at once, a frame larger than the socket buffers never stalls the reader, and a peer that stops
 * reading ends in a timeout rather than a hang (a Java socket write has no timeout of its own: the
 * caller waits for the sender with one, and closing the socket releases the blocked writer).
 */
final class SocketLink extends Link {
  private static final int STREAM_BUFFER = 1 << 16;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Watch watch;
  private final Thread sender;
  private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
  private final Semaphore written = new Semaphore(0);
  private final ByteBuffer header = ByteBuffer.allocate(Frame.HEADER).order(ByteOrder.LITTLE_ENDIAN);
  private ByteBuffer receive = ByteBuffer.allocate(0);
  private ByteBuffer send = ByteBuffer.allocate(0);
  private int pending;
  private int payloadLength;
  private volatile boolean closed;

  /** A frame for the sender thread to write. */
  @FunctionalInterface
  private interface Job {
    void run() throws IOException;
  }

  /** Starts the link's sender thread on an authenticated socket (TCP_NODELAY and SO_TIMEOUT set). */
  SocketLink(Socket socket, int self, int peer, String who, Watch watch) throws IOException {
    super(peer, who);
    this.socket = socket;
    this.watch = watch;
    this.in = new BufferedInputStream(socket.getInputStream(), STREAM_BUFFER);
    this.out = socket.getOutputStream();
    this.sender = new Thread(this::sendLoop, "downhill-mesh-" + self + "-to-" + peer);
    sender.setDaemon(true);
    sender.start();
  }

  /** Queues a frame that the sender thread encodes into the link's own buffer ({@code capacity} bytes). */
  @Override
  void send(int capacity, ToIntFunction<ByteBuffer> encoder) {
    pending++;
    jobs.add(() -> {
      if (send.capacity() < capacity) {
        send = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
      }
      write(send, encoder.applyAsInt(send));
    });
  }

  /** Queues bytes [0, length) of a frame already encoded; the caller leaves it unchanged until {@link #awaitSent}. */
  @Override
  void send(ByteBuffer frame, int length) {
    pending++;
    jobs.add(() -> write(frame, length));
  }

  private void write(ByteBuffer frame, int length) throws IOException {
    out.write(frame.array(), 0, length);
    sent(length);
  }

  private void sendLoop() {
    try {
      while (!closed) {
        jobs.take().run();
        written.release();
      }
    } catch (InterruptedException e) {
      // close() ends the thread
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        watch.fail(new IOException("sending to " + who + " failed: " + e.getMessage(), e));
        close();
      }
    }
  }

  /** Waits until the sender thread has written every frame queued since the last call. */
  @Override
  void awaitSent(long round) throws IOException {
    long start = System.nanoTime();
    try {
      while (!written.tryAcquire(pending, Watch.POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        watch.check("sending to " + who);
        if (watch.expired(start)) {
          throw new SocketTimeoutException(who + " did not take this member's frames of round " + round
              + " within " + watch.timeoutText() + " (it stopped reading)");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while sending to " + who);
    }
    pending = 0;
  }

  /** Reads the next frame's header and checks it ({@link Frame#check}); returns its flags. */
  @Override
  int readHeader(long round, int phase, int n, int k) throws IOException {
    watch.readFully(in, header.array(), 0, Frame.HEADER, who,
        frame(phase, round));
    int flags = Frame.check(header, who, round, phase, peer, n, k);
    payloadLength = Frame.payloadLength(header);
    return flags;
  }

  /**
   * Reads the payload of the header just read once it is known to be {@code expected} bytes long;
   * returns it from offset 0 of a buffer the next read reuses.
   */
  @Override
  ByteBuffer readPayload(int expected, long round, int phase) throws IOException {
    expectPayload(payloadLength, expected, round, phase);
    if (receive.capacity() < expected) {
      receive = ByteBuffer.allocate(expected).order(ByteOrder.LITTLE_ENDIAN);
    }
    watch.readFully(in, receive.array(), 0, expected, who, "the payload of " + frame(phase, round));
    return receive;
  }

  /** Closes the socket and ends the sender thread; idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing is left to report to
    }
    sender.interrupt();
  }

  /** Waits up to {@code millis} for the sender thread to end after {@link #close}. */
  @Override
  void join(long millis) {
    try {
      sender.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
