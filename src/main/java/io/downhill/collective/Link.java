package io.downhill.collective;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.ToIntFunction;

/**
 * One authenticated link of a member to one peer, as the rounds use it ({@link AllReduce}): frames
 * out, frames in, in order. Over TCP to a peer in another process ({@link SocketLink}), through
 * memory to a peer in this one ({@link MemoryLink}); the frames and their checks are the same. This
 * class holds what both have: the peer's rank and name, and the count of what was sent.
 */
abstract class Link implements AutoCloseable {
  /** The peer's rank. */
  final int peer;
  /** The peer in messages: "rank 1 (10.0.0.2:40123)". */
  final String who;
  private volatile long bytesSent; // one thread sends on a link: the sender thread, or the member's own
  private volatile long messagesSent;

  Link(int peer, String who) {
    this.peer = peer;
    this.who = who;
  }

  /** Sends a frame that {@code encoder} writes from offset 0 of a buffer of {@code capacity} bytes. */
  abstract void send(int capacity, ToIntFunction<ByteBuffer> encoder);

  /** Sends bytes [0, length) of a frame already encoded; the caller leaves it unchanged until {@link #awaitSent}. */
  abstract void send(ByteBuffer frame, int length);

  /**
   * Whether {@link #send(ByteBuffer, int)} copies the frame: then a frame meant for this link alone is
   * better encoded straight into the link's own buffer ({@link #send(int, ToIntFunction)}). Only a
   * link whose {@code send(int, encoder)} runs the encoder at once, on the caller's thread, may say
   * so: the all-gather's encoder reads the round's sum array, which the caller fills and reuses after.
   */
  boolean copiesSentFrames() {
    return false;
  }

  /** Waits until every frame sent since the last call is on its way and its buffer free again. */
  abstract void awaitSent(long round) throws IOException;

  /** Reads the next frame's header and checks it ({@link Frame#check}); returns its flags. */
  abstract int readHeader(long round, int phase, int n, int k) throws IOException;

  /**
   * The payload of the header just read once it is known to be {@code expected} bytes long, from
   * offset 0 of a buffer that stays valid until the next {@link #readHeader}.
   */
  abstract ByteBuffer readPayload(int expected, long round, int phase) throws IOException;

  /** Closes the link, so that the peer's next read fails at once; idempotent, never throws. */
  @Override
  public abstract void close();

  /** Waits up to {@code millis} for the link's own threads, if any, to end after {@link #close}. */
  abstract void join(long millis);

  /** "its reduce-scatter frame of round 7": what a read waits for, in messages. */
  static String frame(int phase, long round) {
    return "its " + Frame.phaseName(phase) + " frame of round " + round;
  }

  /**
   * Checks that the header just read announced {@code expected} payload bytes before any room is made
   * for them.
   */
  final void expectPayload(int announced, int expected, long round, int phase) throws IOException {
    if (announced != expected) {
      throw new IOException(who + " announced " + announced + " payload bytes, expected " + expected + " ("
          + frame(phase, round) + ")");
    }
  }

  /** Counts a frame of {@code length} bytes as sent. */
  final void sent(int length) {
    bytesSent += length;
    messagesSent++;
  }

  /** Frame bytes sent so far, headers included. */
  final long bytesSent() {
    return bytesSent;
  }

  /** Frames sent so far. */
  final long messagesSent() {
    return messagesSent;
  }
}
