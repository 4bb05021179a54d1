package io.downhill.collective;

import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of one {@link Rendezvous} session: the authenticated members of its newest
 * stage attempt that have joined, each waiting on its connection. When the last of the
 * {@code size} ranks joins, every one of them gets the roll (the addresses in rank order) and its
 * connection is closed. A member of a newer attempt starts that attempt afresh (the members still
 * waiting in the older one are refused: Spark retries a barrier stage as a whole); a member of an
 * older attempt, or a rank that has joined its attempt already, is refused.
 */
final class Gathering {
  private static final Logger LOG = LoggerFactory.getLogger(Gathering.class);
  private final long session;
  private final int size;
  private final String[] addresses;
  private final Socket[] waiting;
  private final java.util.function.Consumer<Socket> reporter;
  private int attempt = -1;
  private int joined;
  private String ended;

  /**
   * A session of {@code size} members; {@code reporter}, when not null, takes rank 0's connection
   * once the roll is sent (rank 0 goes on to report its steps on it, see {@link Reporter}).
   */
  Gathering(long session, int size, java.util.function.Consumer<Socket> reporter) {
    this.session = session;
    this.size = size;
    this.reporter = reporter;
    this.addresses = new String[size];
    this.waiting = new Socket[size];
  }

  /**
   * Adds {@code rank} of {@code attempt} (it brings its group's {@code size}) with its mesh address
   * and its connection; returns null when the member is taken (the connection is this gathering's
   * to answer and close), else why it is refused (the caller tells the member and closes).
   */
  synchronized String join(int attempt, int rank, int size, String address, Socket connection) {
    if (ended != null) {
      return ended;
    }
    if (size != this.size || rank >= size) {
      return "rank " + rank + " of a group of " + size + " joined session " + session + ", which has "
          + this.size + " members (ranks 0.." + (this.size - 1) + ")";
    }
    if (attempt < 0) {
      return "rank " + rank + " of session " + session + " names attempt " + attempt + ", expected one >= 0";
    }
    if (attempt < this.attempt) {
      return "attempt " + attempt + " of session " + session + " is stale: attempt " + this.attempt
          + " has begun";
    }
    if (attempt > this.attempt) {
      refuseWaiting("attempt " + attempt + " of session " + session + " began, so attempt " + this.attempt
          + " is stale");
      this.attempt = attempt;
      Arrays.fill(addresses, null);
      joined = 0;
    }
    if (addresses[rank] != null) {
      return "rank " + rank + " has joined attempt " + attempt + " of session " + session + " already (as "
          + addresses[rank] + ")";
    }
    addresses[rank] = address;
    waiting[rank] = connection;
    if (++joined == size) {
      byte[] roll = Roll.roll(addresses);
      Socket first = waiting[0];
      for (int r = 0; r < size; r++) {
        answer(r, roll, "the roll", r == 0 && reporter != null);
      }
      if (reporter != null) {
        reporter.accept(first);
      }
      // the addresses stay: a rank that joins this attempt again is refused as a duplicate
    }
    return null;
  }

  /** Refuses the members waiting, and every later one, with {@code why}; idempotent. */
  synchronized void end(String why) {
    if (ended == null) {
      ended = why;
      refuseWaiting(why);
    }
  }

  private void refuseWaiting(String why) {
    byte[] refusal = Roll.refusal(why);
    for (int r = 0; r < size; r++) {
      if (waiting[r] != null) {
        LOG.warn("rendezvous: refused rank {} of session {}, attempt {}: {}", r, session, attempt, why);
        answer(r, refusal, "its refusal", false);
      }
    }
  }

  /** Sends {@code message} to the waiting rank {@code r} and closes its connection, unless {@code keep}. */
  private void answer(int r, byte[] message, String what, boolean keep) {
    Socket connection = waiting[r];
    waiting[r] = null;
    try {
      connection.getOutputStream().write(message);
      if (!keep) {
        connection.close();
      }
    } catch (IOException e) {
      try {
        connection.close();
      } catch (IOException closing) {
        // closing: nothing is left to report to
      }
      LOG.warn("rendezvous: could not send {} to rank {} of session {}, attempt {} ({}): {}", what, r, session,
          attempt, Handshake.remote(connection), e.getMessage());
    }
  }
}
