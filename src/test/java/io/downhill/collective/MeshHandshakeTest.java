package io.downhill.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who may link to a member: the handshake against wrong secrets, sessions, ranks and garbage. */
class MeshHandshakeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "a member thread did not end");
  }

  /** The message names no secret, in any of the forms it might be printed in. */
  private static void assertNoSecret(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      for (String form : List.of(Members.SECRET_TEXT, HexFormat.of().formatHex(Members.SECRET),
          Base64.getEncoder().encodeToString(Members.SECRET), "test-secret")) {
        assertFalse(m.contains(form), "the secret is in: " + m);
      }
    }
  }

  private static void assertMessage(Throwable e, String... parts) {
    assertInstanceOf(IOException.class, e);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
    assertNoSecret(e);
  }

  @Test
  void aPeerWrittenFromTheDocumentedFormatLinksAndSums() throws Exception {
    Mesh mesh = Members.listen(0, 2, TIMEOUT);
    Future<Sum> member = Members.alone(mesh, pool,
        (rank, m) -> m.allReduce(3, new Part(null, 4, new double[] {1.5}, 9)));
    try (RawPeer peer = new RawPeer(mesh.address())) {
      assertTrue(peer.authenticate(Members.SECRET, 1, 0, Members.SESSION), "rank 0's proof");
      // rank 1's vector is {1, 2, 3, 4}: its slice [0, 2) goes to rank 0, which owns it
      peer.write(RawPeer.scatter(3, 1, 4, 11, new double[] {2.25}, new double[] {1, 2}));
      ByteBuffer scatter = peer.readFrame();
      assertEquals(Frame.SCATTER, scatter.get(12));
      assertEquals(0, scatter.get(13), "rank 0 has no vector");
      assertEquals(9, scatter.getLong(Frame.HEADER));
      ByteBuffer gather = peer.readFrame();
      assertEquals(Frame.GATHER, gather.get(12));
      assertEquals(16, gather.getInt(26));
      assertEquals(1.0, gather.getDouble(Frame.HEADER));
      assertEquals(2.0, gather.getDouble(Frame.HEADER + 8));
      peer.write(gatherFrame(3, 1, 4, 1, new double[] {3, 4}));
      Sum sum = member.get(10, TimeUnit.SECONDS);
      assertEquals(1.5 + 2.25, sum.scalars()[0]);
      assertEquals(11, sum.max());
      assertArrayEquals(new double[] {1, 2, 3, 4}, sum.vector());
    }
  }

  static byte[] gatherFrame(long round, int from, int n, int k, double[] slice) {
    ByteBuffer b = RawPeer.le(Frame.HEADER + 8 * slice.length)
        .put(RawPeer.header(round, Frame.GATHER, 0, from, n, k, 8 * slice.length).array());
    for (double v : slice) {
      b.putDouble(v);
    }
    return b.array();
  }

  @Test
  void aConnectorWithAnotherSecretIsRefusedAndLearnsThatRankZerosProofFails() throws Exception {
    Mesh mesh = Members.listen(0, 2, TIMEOUT);
    Future<Sum> member = Members.alone(mesh, pool, (rank, m) -> null);
    byte[] other = "another-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    try (RawPeer peer = new RawPeer(mesh.address())) {
      assertFalse(peer.authenticate(other, 1, 0, Members.SESSION), "rank 0's proof under another secret");
      assertMessage(Members.error(member), "rank 1", "failed authentication", "secret");
      assertEquals(-1, peer.socket.getInputStream().read(), "rank 0 closed the connection");
    }
  }

  @Test
  void twoMembersWithDifferentSecretsBothFailCleanly() throws Exception {
    Mesh zero = Members.listen(0, 2, TIMEOUT);
    Mesh one = Mesh.listen(Members.loopback(), 1, 2, "another-secret-0123456789".getBytes(StandardCharsets.US_ASCII),
        Members.SESSION, TIMEOUT, () -> false);
    List<Members.Outcome<Object>> outcomes = Members.run(List.of(zero, one), (rank, m) -> null);
    assertMessage(outcomes.get(1).error(), "rank 0", "failed authentication");
    assertMessage(outcomes.get(0).error(), "rank 1", "closed its connection", "handshake proof");
  }

  @Test
  void aMemberOfAnotherSessionIsRefused() throws Exception {
    Mesh zero = Members.listen(0, 2, TIMEOUT);
    Mesh one = Mesh.listen(Members.loopback(), 1, 2, Members.SECRET, Members.SESSION + 1, TIMEOUT, () -> false);
    List<Members.Outcome<Object>> outcomes = Members.run(List.of(zero, one), (rank, m) -> null);
    assertMessage(outcomes.get(0).error(), "rank 1", "belongs to session 43, this member to session 42");
    assertMessage(outcomes.get(1).error(), "rank 0", "closed its connection", "handshake reply");
  }

  @Test
  void garbageInsteadOfAHandshakeIsRefused() throws Exception {
    Mesh mesh = Members.listen(0, 2, TIMEOUT);
    Future<Sum> member = Members.alone(mesh, pool, (rank, m) -> null);
    try (RawPeer peer = new RawPeer(mesh.address())) {
      byte[] garbage = new byte[Handshake.HELLO];
      new SplittableRandom(3).nextBytes(garbage);
      peer.write(garbage);
      assertMessage(Members.error(member), "not a mesh handshake", "expected " + Frame.hex(Handshake.MAGIC));
    }
  }

  @Test
  void anUnexpectedOrSecondRankIsRefused() throws Exception {
    Mesh mesh = Members.listen(0, 2, TIMEOUT);
    Future<Sum> member = Members.alone(mesh, pool, (rank, m) -> null);
    try (RawPeer peer = new RawPeer(mesh.address())) {
      peer.write(RawPeer.hello(5, 0, Members.SESSION, new byte[Handshake.NONCE]));
      assertMessage(Members.error(member), "claims rank 5", "expected one of ranks 1..1");
    }

    Mesh first = Members.listen(0, 3, TIMEOUT);
    Future<Sum> three = pool.submit(() -> {
      try (first) {
        first.connect(List.of(first.address(), "127.0.0.1:1", "127.0.0.1:2"));
        return null;
      }
    });
    try (RawPeer one = new RawPeer(first.address()); RawPeer again = new RawPeer(first.address())) {
      assertTrue(one.authenticate(Members.SECRET, 1, 0, Members.SESSION));
      again.write(RawPeer.hello(1, 0, Members.SESSION, new byte[Handshake.NONCE]));
      assertMessage(Members.error(three), "claims rank 1", "which has linked already");
    }
  }

  /** Rank 1 dials a hand-written acceptor that sends {@code reply}; returns rank 1's error. */
  private Throwable dialRawAcceptor(java.util.function.Function<byte[], byte[]> reply) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, Members.loopback())) {
      Mesh one = Members.listen(1, 2, TIMEOUT);
      Future<Object> connector = pool.submit(() -> {
        try (one) {
          one.connect(List.of("127.0.0.1:" + server.getLocalPort(), one.address()));
          return null;
        }
      });
      try (Socket socket = server.accept()) {
        byte[] hello = socket.getInputStream().readNBytes(Handshake.HELLO);
        socket.getOutputStream().write(reply.apply(hello));
        return Members.error(connector);
      }
    }
  }

  private static byte[] reply(int rank, byte[] proof) {
    return RawPeer.le(Handshake.REPLY).putInt(Handshake.MAGIC).putInt(Handshake.VERSION).putInt(rank)
        .put(new byte[Handshake.NONCE]).put(proof).array();
  }

  @Test
  void theConnectorRefusesAnAcceptorOfAnotherRankOrWithoutTheSecret() throws Exception {
    assertMessage(dialRawAcceptor(hello -> reply(5, new byte[Handshake.PROOF])),
        "answered as rank 5, expected rank 0");
    assertMessage(dialRawAcceptor(hello -> reply(0, new byte[Handshake.PROOF])),
        "rank 0", "failed authentication");
    byte[] newer = reply(0, new byte[Handshake.PROOF]);
    newer[4] = 2;
    assertMessage(dialRawAcceptor(hello -> newer), "speaks mesh protocol version 2, this member version 1");
  }
}
