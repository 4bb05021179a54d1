package io.downhill.collective;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.IntPredicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The mutual challenge-response that authenticates a link before anything it carries is used. Each
 * side proves that it knows the run's secret with an HMAC-SHA256 over both sides' fresh nonces, the
 * session and both ranks: the secret never travels, a recorded handshake cannot be replayed (the
 * other side's nonce is new), one side's proof cannot be sent back as the other's (the labels
 * differ), and a link of another session or to another rank does not verify. All numbers
 * little-endian:
 *
 * <pre>
 * connector → acceptor  hello   int magic, int version, int from, int to, long session, nonceC (16 bytes)
 * acceptor → connector  reply   int magic, int version, int to, nonceA (16 bytes),
 *                               HMAC(secret, "acceptor" | nonceC | nonceA | session | from | to) (32 bytes)
 * connector → acceptor  proof   HMAC(secret, "connector" | nonceA | nonceC | session | from | to)
 * </pre>
 *
 * {@code from} is the connector's rank, {@code to} the acceptor's: a mesh member's, or -1 for the
 * driver's rendezvous, which members reach as a rank below all of theirs (so that no rendezvous
 * handshake verifies as a mesh link's). A mesh member checks the hello's magic, version, ranks and
 * session before it answers and closes the connection on any mismatch (the rendezvous checks the
 * session once the connector is authenticated, so that it can tell it why it refuses); each side
 * compares the other's proof in constant time ({@link MessageDigest#isEqual}).
 */
final class Handshake {
  static final int MAGIC = 0x4d484444; // "DDHM" in little-endian bytes
  static final int VERSION = 1;
  static final int NONCE = 16;
  static final int PROOF = 32;
  static final int HELLO = 24 + NONCE;
  static final int REPLY = 12 + NONCE + PROOF;
  private static final String ALGORITHM = "HmacSHA256";

  private final Mac mac;
  private final long session;
  private final int rank;
  private final Watch watch;
  private final SecureRandom random = new SecureRandom();

  /**
   * This side's handshakes as {@code rank} of {@code session}: a mesh member's rank, or -1 for the
   * driver's rendezvous.
   */
  Handshake(byte[] secret, long session, int rank, Watch watch) {
    try {
      mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + ALGORITHM + ": " + e.getMessage(), e);
    }
    this.session = session;
    this.rank = rank;
    this.watch = watch;
  }

  /** Authenticates a connection this member opened to rank {@code to} ({@code who} in messages). */
  void asConnector(Socket socket, int to, String who) throws IOException {
    byte[] nonceC = nonce();
    ByteBuffer hello = buffer(HELLO).putInt(MAGIC).putInt(VERSION).putInt(rank).putInt(to).putLong(session)
        .put(nonceC);
    socket.getOutputStream().write(hello.array());
    ByteBuffer reply = buffer(REPLY);
    watch.readFully(socket.getInputStream(), reply.array(), 0, REPLY, who,
        "its handshake reply; the other side closes a link whose session, rank or protocol version it refuses");
    checkMagicAndVersion(reply, who);
    int answered = reply.getInt(8);
    if (answered != to) {
      throw new IOException(who + " answered as rank " + answered + ", expected rank " + to
          + " (are the addresses in rank order?)");
    }
    byte[] nonceA = bytes(reply, 12, NONCE);
    checkProof(bytes(reply, 12 + NONCE, PROOF), proof("acceptor", nonceC, nonceA, rank, to), who);
    socket.getOutputStream().write(proof("connector", nonceA, nonceC, rank, to));
  }

  /**
   * Authenticates a connection accepted by this member of a group of {@code size}; returns the
   * connector's rank, which must be above this member's and not yet linked ({@code linked}).
   */
  int asAcceptor(Socket socket, int size, IntPredicate linked) throws IOException {
    String from = "the connection from " + remote(socket);
    Hello hello = readHello(socket, watch, from);
    int peer = hello.from();
    if (peer <= rank || peer >= size) {
      throw new IOException(from + " claims rank " + peer + ", expected one of ranks " + (rank + 1) + ".."
          + (size - 1) + " (only higher ranks connect to rank " + rank + ")");
    }
    if (linked.test(peer)) {
      throw new IOException(from + " claims rank " + peer + ", which has linked already (a second link from one "
          + "rank)");
    }
    String who = "rank " + peer + " (" + remote(socket) + ")";
    if (hello.to() != rank) {
      throw new IOException(who + " meant to reach rank " + hello.to() + ", this is rank " + rank
          + " (are the addresses in rank order?)");
    }
    if (hello.session() != session) {
      throw new IOException(who + " belongs to session " + hello.session() + ", this member to session " + session
          + " (a task of another segment or stage attempt?)");
    }
    answer(socket, hello, who);
    return peer;
  }

  /** A connector's hello: its rank {@code from}, the rank it means to reach, its session and nonce. */
  record Hello(int from, int to, long session, byte[] nonce) {}

  /**
   * Reads a connector's hello and checks its magic and version ({@code from} names the connection
   * in messages); the acceptor checks the rest before it {@link #answer}s.
   */
  static Hello readHello(Socket socket, Watch watch, String from) throws IOException {
    ByteBuffer hello = buffer(HELLO);
    watch.readFully(socket.getInputStream(), hello.array(), 0, HELLO, from, "its handshake hello");
    checkMagicAndVersion(hello, from);
    return new Hello(hello.getInt(8), hello.getInt(12), hello.getLong(16), bytes(hello, 24, NONCE));
  }

  /**
   * The acceptor's side after a hello addressed to this side's rank and session: sends its nonce
   * and proof, then checks the connector's proof ({@code who} in messages).
   */
  void answer(Socket socket, Hello hello, String who) throws IOException {
    byte[] nonceA = nonce();
    ByteBuffer reply = buffer(REPLY).putInt(MAGIC).putInt(VERSION).putInt(rank).put(nonceA)
        .put(proof("acceptor", hello.nonce(), nonceA, hello.from(), rank));
    socket.getOutputStream().write(reply.array());
    byte[] answer = new byte[PROOF];
    watch.readFully(socket.getInputStream(), answer, 0, PROOF, who,
        "its handshake proof; the other side closes a link whose proof does not match its secret");
    checkProof(answer, proof("connector", nonceA, hello.nonce(), hello.from(), rank), who);
  }

  /** The socket's remote address as host:port (the host's literal address, no leading slash). */
  static String remote(Socket socket) {
    InetSocketAddress a = (InetSocketAddress) socket.getRemoteSocketAddress();
    String host = a.getAddress().getHostAddress();
    return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static void checkMagicAndVersion(ByteBuffer message, String who) throws IOException {
    int magic = message.getInt(0);
    if (magic != MAGIC) {
      throw new IOException(who + " sent bytes that are not a mesh handshake: magic " + Frame.hex(magic)
          + ", expected " + Frame.hex(MAGIC));
    }
    int version = message.getInt(4);
    if (version != VERSION) {
      throw new IOException(who + " speaks mesh protocol version " + version + ", this member version "
          + VERSION);
    }
  }

  private static void checkProof(byte[] found, byte[] expected, String who) throws IOException {
    if (!MessageDigest.isEqual(found, expected)) {
      throw new IOException(who + " failed authentication: its proof does not match this side's secret "
          + "(a different run, or not a member)");
    }
  }

  private byte[] proof(String label, byte[] first, byte[] second, int connector, int acceptor) {
    mac.update(label.getBytes(StandardCharsets.US_ASCII));
    mac.update(first);
    mac.update(second);
    mac.update(buffer(16).putLong(session).putInt(connector).putInt(acceptor).array());
    return mac.doFinal();
  }

  /**
   * Where ranks {@code connector} (the higher) and {@code acceptor} of this session meet in this
   * process for a {@link MemoryLink}: the hex of an HMAC over the session and both ranks, so that only
   * a member that knows the secret finds the other's end.
   */
  String meetingKey(int connector, int acceptor) {
    return HexFormat.of().formatHex(proof("memory link", new byte[0], new byte[0], connector, acceptor));
  }

  private byte[] nonce() {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    return nonce;
  }

  private static ByteBuffer buffer(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] bytes(ByteBuffer from, int offset, int length) {
    byte[] out = new byte[length];
    from.get(offset, out);
    return out;
  }
}
