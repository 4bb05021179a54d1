package io.downhill.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a round fails: wrong frames, silent or vanished peers, cancellation; never a hang. */
class MeshFailureTest {
  private static final Duration SHORT = Duration.ofSeconds(1);
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "a member thread did not end");
  }

  private static Part scalarsOnly() {
    return new Part(null, 4, new double[] {1}, 0);
  }

  private static void assertMessage(Throwable e, String... parts) {
    assertInstanceOf(IOException.class, e);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  /** Rank 0 runs {@code body} with a hand-written, authenticated rank 1 that then does {@code peer}. */
  private Throwable againstRawPeer(Duration timeout, Members.Body<Object> body, PeerScript peer) throws Exception {
    Mesh mesh = Members.listen(0, 2, timeout);
    Future<Object> member = Members.alone(mesh, pool, body);
    try (RawPeer raw = new RawPeer(mesh.address())) {
      assertTrue(raw.authenticate(Members.SECRET, 1, 0, Members.SESSION));
      peer.run(raw);
      return Members.error(member);
    }
  }

  @FunctionalInterface
  private interface PeerScript {
    void run(RawPeer peer) throws Exception;
  }

  @Test
  void aFrameOfAnotherRoundIsAProtocolErrorNamingBoth() throws Exception {
    Throwable e = againstRawPeer(SHORT, (rank, m) -> m.allReduce(5, scalarsOnly()),
        peer -> peer.write(RawPeer.scatter(6, 1, 4, 0, new double[] {1}, null)));
    assertMessage(e, "rank 1", "round 6, expected 5", "reduce-scatter");
  }

  @Test
  void aWrongPayloadLengthFailsBeforeThePayloadIsRead() throws Exception {
    for (int announced : new int[] {999, Integer.MAX_VALUE}) {
      Throwable e = againstRawPeer(SHORT, (rank, m) -> m.allReduce(5, scalarsOnly()),
          peer -> peer.write(RawPeer.header(5, Frame.SCATTER, 0, 1, 4, 1, announced).array()));
      assertMessage(e, "rank 1", "announced " + announced + " payload bytes, expected 16");
    }
    Throwable e = againstRawPeer(SHORT, (rank, m) -> m.allReduce(5, scalarsOnly()),
        peer -> peer.write(RawPeer.header(5, Frame.GATHER, 0, 1, 4, 1, 0).array()));
    assertMessage(e, "rank 1", "phase 2, expected 1");
  }

  @Test
  void aPeerThatSendsNothingFailsTheRoundAtTheTimeout() throws Exception {
    long start = System.nanoTime();
    Throwable e = againstRawPeer(SHORT, (rank, m) -> m.allReduce(5, scalarsOnly()), peer -> { });
    double seconds = (System.nanoTime() - start) / 1e9;
    assertInstanceOf(SocketTimeoutException.class, e);
    assertMessage(e, "rank 1", "sent nothing for 1 s", "reduce-scatter frame of round 5");
    assertTrue(seconds >= 0.9 && seconds < 3, "failed after " + seconds + " s");
  }

  @Test
  void aPeerThatClosesItsSocketFailsTheRoundAtOnce() throws Exception {
    Throwable e = againstRawPeer(Duration.ofSeconds(30), (rank, m) -> m.allReduce(5, scalarsOnly()),
        RawPeer::close);
    assertInstanceOf(EOFException.class, e);
    assertMessage(e, "rank 1", "closed its connection");
  }

  @Test
  void cancellationEndsAWaitPromptly() throws Exception {
    AtomicBoolean cancelled = new AtomicBoolean();
    Mesh mesh = Mesh.listen(Members.loopback(), 0, 2, Members.SECRET, Members.SESSION, Duration.ofSeconds(30),
        cancelled::get);
    Future<Object> member = Members.alone(mesh, pool, (rank, m) -> m.allReduce(1, scalarsOnly()));
    try (RawPeer peer = new RawPeer(mesh.address())) {
      assertTrue(peer.authenticate(Members.SECRET, 1, 0, Members.SESSION));
      Thread.sleep(300);
      long start = System.nanoTime();
      cancelled.set(true);
      Throwable e = Members.error(member);
      assertEquals(InterruptedIOException.class, e.getClass(), e.toString());
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "cancelled after " + (System.nanoTime() - start) + " ns");
      assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
    }
  }

  @Test
  void closingFromAnotherThreadEndsARoundInProgress() throws Exception {
    Mesh mesh = Members.listen(0, 2, Duration.ofSeconds(30));
    Future<Object> member = Members.alone(mesh, pool, (rank, m) -> m.allReduce(1, scalarsOnly()));
    try (RawPeer peer = new RawPeer(mesh.address())) {
      assertTrue(peer.authenticate(Members.SECRET, 1, 0, Members.SESSION));
      Thread.sleep(300);
      long start = System.nanoTime();
      mesh.close();
      assertMessage(Members.error(member), "rank 0's mesh was closed");
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "ended after " + (System.nanoTime() - start) + " ns");
      peer.readFrame(); // rank 0's reduce-scatter frame, sent before it waited
      assertEquals(-1, peer.socket.getInputStream().read(), "the link is closed");
    }
  }

  @Test
  void ranksThatNeverConnectFailTheAcceptAtTheTimeout() throws Exception {
    Mesh mesh = Members.listen(0, 3, SHORT);
    Future<Object> member = pool.submit(() -> {
      try (mesh) {
        mesh.connect(List.of(mesh.address(), "127.0.0.1:1", "127.0.0.1:2"));
        return null;
      }
    });
    assertMessage(Members.error(member), "ranks 1, 2 did not connect to rank 0", "for 1 s");
  }

  @Test
  void aPeerThatStopsReadingFailsTheRoundAtTheTimeoutNotAHang() throws Exception {
    int n = 8 << 20; // the frames to rank 1 (16 MiB of floats, then 32 MiB of doubles) exceed any socket buffer
    Buf vector = Buf.allocate(Precision.FLOAT32, n);
    Throwable e = againstRawPeer(SHORT, (rank, m) -> m.allReduce(1, new Part(vector, n, new double[0], 0)),
        peer -> {
          peer.write(RawPeer.scatter(1, 1, n, 0, new double[0], null));
          peer.write(MeshHandshakeTest.gatherFrame(1, 1, n, 0, new double[n / 2]));
        });
    assertInstanceOf(SocketTimeoutException.class, e);
    assertMessage(e, "rank 1", "did not take this member's frames of round 1 within 1 s");
  }

  @Test
  void whenOneMemberLeavesTheOthersFailAtOnceAndStayFailed() throws Exception {
    List<Mesh> meshes = Members.group(3, Duration.ofSeconds(30));
    long start = System.nanoTime();
    List<Members.Outcome<Object>> outcomes = Members.run(meshes, (rank, m) -> {
      m.allReduce(1, scalarsOnly());
      if (rank == 2) {
        return "left";
      }
      try {
        m.allReduce(2, scalarsOnly());
        return "no failure";
      } catch (IOException first) {
        IOException again = assertThrows(IOException.class, () -> m.allReduce(3, scalarsOnly()));
        assertEquals(first.getMessage(), again.getMessage());
        throw first;
      }
    });
    assertTrue(System.nanoTime() - start < 10_000_000_000L, "the others waited for their timeout");
    assertEquals("left", outcomes.get(2).result());
    for (int r = 0; r < 2; r++) {
      Throwable e = outcomes.get(r).error();
      assertMessage(e, "closed its connection");
      assertFalse(e.getMessage().contains("rank " + r + " ("), e.getMessage());
    }
  }
}
