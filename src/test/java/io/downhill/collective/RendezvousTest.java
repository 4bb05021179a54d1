package io.downhill.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Members meeting at the driver's rendezvous, and who may not: wrong secrets, garbage, stale attempts. */
class RendezvousTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final long SESSION = 7;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private Rendezvous rendezvous;
  private Warnings warnings;

  @BeforeEach
  void open() throws IOException {
    warnings = new Warnings();
    rendezvous = Rendezvous.open(Members.loopback(), Members.SECRET, TIMEOUT);
  }

  @AfterEach
  void stop() throws InterruptedException {
    rendezvous.close();
    warnings.close();
    warnings.lines().forEach(RendezvousTest::assertNoSecret);
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "a member thread did not end");
  }

  private static String mesh(int rank) {
    return "127.0.0.1:" + (40000 + rank);
  }

  private Future<List<String>> join(long session, int attempt, int rank, int size) {
    return join(session, attempt, rank, size, mesh(rank), TIMEOUT, () -> false);
  }

  private Future<List<String>> join(long session, int attempt, int rank, int size, String address, Duration timeout,
      BooleanSupplier cancelled) {
    return pool.submit(() -> Rendezvous.join(rendezvous.address(), Members.SECRET, session, attempt, rank, size,
        address, timeout, cancelled));
  }

  /** Waits until the driver holds {@code rank}'s join of the session (a refusal would end the future). */
  private Future<List<String>> waiting(long session, int attempt, int rank, int size) throws Exception {
    Future<List<String>> member = join(session, attempt, rank, size);
    Thread.sleep(300);
    assertFalse(member.isDone(), "rank " + rank + " should wait for the others");
    return member;
  }

  private static List<String> roll(int size) {
    List<String> roll = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      roll.add(mesh(r));
    }
    return roll;
  }

  private static void assertNoSecret(String message) {
    for (String form : List.of(Members.SECRET_TEXT, HexFormat.of().formatHex(Members.SECRET),
        Base64.getEncoder().encodeToString(Members.SECRET), "test-secret")) {
      assertFalse(message.contains(form), "the secret is in: " + message);
    }
  }

  private static void assertMessage(Throwable e, String... parts) {
    assertInstanceOf(IOException.class, e);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
    assertNoSecret(e.getMessage());
  }

  /** The session's real members {@code ranks} join now and get the roll of {@code size}. */
  private void theOthersJoin(List<Future<List<String>>> waiting, int size, int... ranks) throws Exception {
    List<Future<List<String>>> all = new ArrayList<>(waiting);
    for (int r : ranks) {
      all.add(join(SESSION, 0, r, size));
    }
    for (Future<List<String>> member : all) {
      assertEquals(roll(size), member.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void everyMemberGetsTheSameRollInRankOrder() throws Exception {
    rendezvous.expect(SESSION, 3);
    List<Future<List<String>>> members = List.of(join(SESSION, 0, 2, 3), join(SESSION, 0, 0, 3),
        join(SESSION, 0, 1, 3));
    for (Future<List<String>> member : members) {
      assertEquals(roll(3), member.get(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(), warnings.lines());
  }

  @Test
  void rankZeroReportsItsStepsToTheDriverWhileTheOthersJustJoin() throws Exception {
    List<long[]> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Double> losses = new java.util.concurrent.CopyOnWriteArrayList<>();
    rendezvous.expect(SESSION, 2, (step, loss) -> {
      steps.add(new long[] {step});
      losses.add(loss);
    });
    Future<List<String>> other = join(SESSION, 0, 1, 2);
    try (Reporter reporter = Rendezvous.joinReporting(rendezvous.address(), Members.SECRET, SESSION, 0, 0,
        2, mesh(0), TIMEOUT, () -> false)) {
      assertEquals(roll(2), reporter.roll());
      assertEquals(roll(2), other.get(10, TimeUnit.SECONDS));
      reporter.report(10, 2.5, false);
      reporter.report(11, 2.0, false); // within 100 ms of the last: dropped
      reporter.report(12, 1.5, true); // a segment's last step always goes
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (steps.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertEquals(List.of(10L, 12L), steps.stream().map(s -> s[0]).toList());
    assertEquals(List.of(2.5, 1.5), losses);
    rendezvous.forget(SESSION);
    assertEquals(List.of(), warnings.lines());
  }

  @Test
  void finishingASessionWaitsForRankZerosLastReport() throws Exception {
    List<Long> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
    rendezvous.expect(SESSION, 1, (step, loss) -> {
      try {
        Thread.sleep(300); // a slow progress line: the reports are still being read when the member is gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      steps.add(step);
    });
    try (Reporter reporter = Rendezvous.joinReporting(rendezvous.address(), Members.SECRET, SESSION, 0, 0,
        1, mesh(0), TIMEOUT, () -> false)) {
      assertEquals(roll(1), reporter.roll());
      reporter.report(10, 2.5, false);
      reporter.report(12, 1.5, true);
    }
    rendezvous.finish(SESSION, java.time.Duration.ofSeconds(10));
    assertEquals(List.of(10L, 12L), steps, "the segment's last step was shown before its result is used");
    assertEquals(List.of(), warnings.lines());
  }

  @Test
  void meshMembersConnectWithTheRollAndSum() throws Exception {
    rendezvous.expect(SESSION, 3);
    List<Mesh> meshes = Members.group(3, TIMEOUT);
    List<Future<Sum>> sums = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      int rank = r;
      Mesh m = meshes.get(r);
      sums.add(pool.submit(() -> {
        try (m) {
          m.connect(Rendezvous.join(rendezvous.address(), Members.SECRET, SESSION, 0, rank, 3, m.address(), TIMEOUT,
              () -> false));
          return m.allReduce(1, new Part(null, 4, new double[] {rank + 1}, 0));
        }
      }));
    }
    for (Future<Sum> sum : sums) {
      assertEquals(6.0, sum.get(10, TimeUnit.SECONDS).scalars()[0]);
    }
  }

  @Test
  void aConnectionWithAnotherSecretIsRefusedAndTheMembersStillMeet() throws Exception {
    rendezvous.expect(SESSION, 2);
    Future<List<String>> zero = waiting(SESSION, 0, 0, 2);
    byte[] other = "another-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    try (RawPeer peer = new RawPeer(rendezvous.address())) {
      assertFalse(peer.authenticate(other, 1, Rendezvous.DRIVER, SESSION), "the driver's proof under another secret");
      assertEquals(-1, peer.socket.getInputStream().read(), "the driver closed the connection");
    }
    warnings.await("rank 1 of session 7", "failed authentication");
    Throwable e = assertThrows(Exception.class, () -> Rendezvous.join(rendezvous.address(), other, SESSION, 0, 1, 2,
        mesh(1), TIMEOUT, () -> false));
    assertMessage(e, "the rendezvous", "failed authentication");
    theOthersJoin(List.of(zero), 2, 1);
  }

  @Test
  void garbageAndHandshakesNotMeantForTheDriverAreClosed() throws Exception {
    rendezvous.expect(SESSION, 2);
    Future<List<String>> zero = waiting(SESSION, 0, 0, 2);
    byte[] garbage = new byte[Handshake.HELLO];
    new SplittableRandom(3).nextBytes(garbage);
    try (RawPeer peer = new RawPeer(rendezvous.address())) {
      peer.write(garbage);
      assertEquals(-1, peer.socket.getInputStream().read(), "the driver closed the connection");
    }
    warnings.await("not a mesh handshake");
    try (RawPeer peer = new RawPeer(rendezvous.address())) {
      peer.write(RawPeer.hello(1, 0, SESSION, new byte[Handshake.NONCE]));
      assertEquals(-1, peer.socket.getInputStream().read(), "the driver closed the connection");
    }
    warnings.await("as rank 1 meant to reach rank 0", "expected a member (rank >= 0) reaching the rendezvous");
    theOthersJoin(List.of(zero), 2, 1);
  }

  @Test
  void wrongLengthsAfterTheHandshakeAreRefusedBeforeAnyRoomIsMade() throws Exception {
    rendezvous.expect(SESSION, 2);
    Future<List<String>> zero = waiting(SESSION, 0, 0, 2);
    for (byte[] join : List.of(RawPeer.le(12).putInt(0).putInt(2).putInt(1 << 30).array(),
        RawPeer.le(15).putInt(0).putInt(2).putInt(3).put(new byte[] {'a', '\n', 'b'}).array())) {
      try (RawPeer peer = new RawPeer(rendezvous.address())) {
        assertTrue(peer.authenticate(Members.SECRET, 1, Rendezvous.DRIVER, SESSION), "the driver's proof");
        peer.write(join);
        assertEquals(-1, peer.socket.getInputStream().read(), "the driver closed the connection");
      }
    }
    warnings.await("rank 1 of session 7", "announced 1073741824 bytes for its address, expected 1..280");
    warnings.await("rank 1 of session 7", "sent a byte 0x0a in its address");
    theOthersJoin(List.of(zero), 2, 1);
  }

  @Test
  void aSessionNotExpectedIsRefusedWithItsReason() throws Exception {
    assertMessage(error(join(99, 0, 0, 2)), "refused this member: session 99 is not expected");
    warnings.await("refused rank 0 of session 99");
  }

  @Test
  void aSecondJoinOfARankIsRefusedAndTheFirstKeepsItsPlace() throws Exception {
    rendezvous.expect(SESSION, 2);
    Future<List<String>> zero = waiting(SESSION, 0, 0, 2);
    assertMessage(error(join(SESSION, 0, 0, 2, "127.0.0.1:1", TIMEOUT, () -> false)),
        "rank 0 has joined attempt 0 of session 7 already (as " + mesh(0) + ")");
    theOthersJoin(List.of(zero), 2, 1);
    assertMessage(error(join(SESSION, 0, 1, 2)), "rank 1 has joined attempt 0 of session 7 already");
  }

  @Test
  void aRankOfAnotherSizeIsRefused() throws Exception {
    rendezvous.expect(SESSION, 2);
    Future<List<String>> zero = waiting(SESSION, 0, 0, 2);
    assertMessage(error(join(SESSION, 0, 3, 4)), "rank 3 of a group of 4 joined session 7, which has 2 members");
    theOthersJoin(List.of(zero), 2, 1);
  }

  @Test
  void aNewerAttemptStartsAfreshAndStaleMembersAreRefused() throws Exception {
    rendezvous.expect(SESSION, 2);
    Future<List<String>> first = waiting(SESSION, 0, 0, 2);
    Future<List<String>> zero = join(SESSION, 1, 0, 2);
    assertMessage(error(first), "attempt 1 of session 7 began, so attempt 0 is stale");
    Future<List<String>> one = join(SESSION, 1, 1, 2);
    assertEquals(roll(2), zero.get(10, TimeUnit.SECONDS));
    assertEquals(roll(2), one.get(10, TimeUnit.SECONDS));
    assertMessage(error(join(SESSION, 0, 1, 2)), "attempt 0 of session 7 is stale: attempt 1 has begun");
  }

  @Test
  void aMissingMemberFailsTheJoinAtItsTimeout() throws Exception {
    rendezvous.expect(SESSION, 2);
    long start = System.nanoTime();
    Throwable e = error(join(SESSION, 0, 0, 2, mesh(0), Duration.ofMillis(500), () -> false));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(SocketTimeoutException.class, e);
    assertMessage(e, "sent nothing for 500 ms", "the addresses of all 2 members");
    assertTrue(ms >= 500 && ms < 4000, "failed after " + ms + " ms");
  }

  @Test
  void cancellationEndsAWaitPromptly() throws Exception {
    rendezvous.expect(SESSION, 2);
    AtomicBoolean cancelled = new AtomicBoolean();
    Future<List<String>> zero = join(SESSION, 0, 0, 2, mesh(0), Duration.ofSeconds(60), cancelled::get);
    Thread.sleep(300);
    long start = System.nanoTime();
    cancelled.set(true);
    Throwable e = error(zero);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertInstanceOf(InterruptedIOException.class, e);
    assertTrue(ms < 1000, "ended " + ms + " ms after the cancellation");
  }

  @Test
  void forgettingOrClosingRefusesTheWaitingMembersAndStopsTheThreads() throws Exception {
    rendezvous.expect(SESSION, 2);
    Future<List<String>> zero = waiting(SESSION, 0, 0, 2);
    rendezvous.forget(SESSION);
    assertMessage(error(zero), "refused this member: session 7 has ended");
    assertMessage(error(join(SESSION, 0, 1, 2)), "session 7 is not expected");

    rendezvous.expect(SESSION + 1, 2);
    Future<List<String>> waiting = waiting(SESSION + 1, 0, 0, 2);
    rendezvous.close();
    rendezvous.close();
    assertMessage(error(waiting), "refused this member: the rendezvous has closed");
    assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(n -> n.startsWith("downhill-rendezvous")).toList());
    assertInstanceOf(ConnectException.class, error(join(SESSION + 1, 0, 1, 2)));
    assertThrows(IllegalStateException.class, () -> rendezvous.expect(SESSION + 2, 2));
  }

  @Test
  void theServerTakesOnlyItsOwnAddressAndARealSecret() throws Exception {
    assertThrows(IllegalArgumentException.class,
        () -> Rendezvous.open(InetAddress.getByName("0.0.0.0"), Members.SECRET, TIMEOUT));
    assertThrows(IllegalArgumentException.class, () -> Rendezvous.open(Members.loopback(), new byte[8], TIMEOUT));
    assertThrows(IllegalArgumentException.class, () -> Rendezvous.join(rendezvous.address(), Members.SECRET, SESSION,
        0, 2, 2, mesh(2), TIMEOUT, () -> false));
  }

  private static Throwable error(Future<?> future) throws Exception {
    return Members.error(future);
  }
}
