package io.downhill.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.ToIntFunction;

/**
 * One authenticated link of a member to one peer, as the rounds use it ({@link AllReduce}): frames
 * out, frames in, in order. Over TCP to a peer in another process ({@link SocketLink}), through
 * memory to a peer in this one ({@link MemoryLink}); the frames and their checks are the same.
 */
interface Link extends AutoCloseable {
  /** The peer's rank. */
  int peer();

  /** The peer in messages: "rank 1 (10.0.0.2:40123)". */
  String who();

  /** Sends a frame that {@code encoder} writes from offset 0 of a buffer of {@code capacity} bytes. */
  void send(int capacity, ToIntFunction<ByteBuffer> encoder);

  /** Sends bytes [0, length) of a frame already encoded; the caller leaves it unchanged until {@link #awaitSent}. */
  void send(ByteBuffer frame, int length);

  /** Waits until every frame sent since the last call is on its way and its buffer free again. */
  void awaitSent(long round) throws IOException;

  /** Reads the next frame's header and checks it ({@link Frame#check}); returns its flags. */
  int readHeader(long round, int phase, int n, int k) throws IOException;

  /**
   * The payload of the header just read once it is known to be {@code expected} bytes long, from
   * offset 0 of a buffer that stays valid until the next {@link #readHeader}.
   */
  ByteBuffer readPayload(int expected, long round, int phase) throws IOException;

  /** Frame bytes sent so far, headers included. */
  long bytesSent();

  /** Frames sent so far. */
  long messagesSent();

  /** Closes the link, so that the peer's next read fails at once; idempotent, never throws. */
  @Override
  void close();

  /** Waits up to {@code millis} for the link's own threads, if any, to end after {@link #close}. */
  void join(long millis);
}
