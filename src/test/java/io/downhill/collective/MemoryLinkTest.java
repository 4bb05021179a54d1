package io.downhill.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Members of one process linked through memory: the same bits as the driver's merge and as TCP, in
 * groups that mix both kinds of link; and the same failures (a closed peer at once, a silent one at
 * the timeout, cancellation), with a member of another secret never found.
 */
class MemoryLinkTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int[] LENGTHS = {0, 1, 3, 1000, 1001};

  /** Each member's rounds over {@link #LENGTHS}, checked against the driver's merge, every other one summed into a reused array. */
  private static Members.Body<Long> checkedRounds(int size) {
    return (rank, mesh) -> {
      long round = 7;
      for (int n : LENGTHS) {
        double[] into = new double[n];
        for (int repeat = 0; repeat < 4; repeat++, round += 2) {
          boolean reuse = repeat % 2 == 1;
          Sum found = reuse ? mesh.allReduce(round, MeshTest.part(round, rank, size, n), into)
              : mesh.allReduce(round, MeshTest.part(round, rank, size, n));
          List<Part> all = new ArrayList<>();
          for (int r = 0; r < size; r++) {
            all.add(MeshTest.part(round, r, size, n));
          }
          Sum expected = MeshTest.reference(all);
          MeshTest.assertSameBits(expected, found, "P=" + size + " rank " + rank + " n=" + n + " round " + round);
          if (reuse && expected.vector() != null) {
            assertSame(into, found.vector(), "the sum is the caller's array");
          }
        }
      }
      return mesh.bytesSent();
    };
  }

  /**
   * Rank r's roll with every other member's port replaced by 1, where nothing listens: only memory
   * links can connect.
   */
  private static java.util.function.IntFunction<List<String>> unreachable(List<Mesh> meshes) {
    return rank -> java.util.stream.IntStream.range(0, meshes.size()).mapToObj(r -> r == rank
        ? meshes.get(r).address() : meshes.get(r).address().replaceFirst(":\\d+/", ":1/")).toList();
  }

  @Test
  void membersOfOneProcessLinkThroughMemoryWithTheDriversBitsForTwoToFourMembers() throws Exception {
    for (int p = 2; p <= 4; p++) {
      List<Mesh> meshes = Members.group(p, TIMEOUT, r -> true);
      assertTrue(meshes.get(0).address().endsWith("/" + MemoryLink.PROCESS), meshes.get(0).address());
      List<Long> bytes = Members.results(Members.run(meshes, unreachable(meshes), checkedRounds(p)));
      // the frames are the socket link's: the same bytes counted per member as over TCP
      List<Long> overTcp = Members.results(Members.run(Members.group(p, TIMEOUT), checkedRounds(p)));
      assertEquals(overTcp, bytes, "P=" + p);
    }
  }

  @Test
  void aGroupMixesMemoryAndTcpLinksWithTheSameBits() throws Exception {
    // ranks 0 and 2 share the process's token; rank 1 does not link through memory, so both reach it over TCP
    List<Mesh> meshes = Members.group(3, TIMEOUT, r -> r != 1);
    assertTrue(!meshes.get(1).address().contains("/"), meshes.get(1).address());
    Members.results(Members.run(meshes, checkedRounds(3)));
  }

  @Test
  void aSumIntoAnArrayOfAnotherLengthIsRefused() throws Exception {
    try (Mesh mesh = Members.listen(0, 1, TIMEOUT)) {
      mesh.connect(List.of(mesh.address()));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> mesh.allReduce(1, MeshTest.part(1, 0, 1, 5), new double[4]));
      assertTrue(e.getMessage().contains("a round of 5 values cannot sum into an array of 4"), e.getMessage());
    }
  }

  @Test
  void aPeerThatClosesFailsTheOthersRoundAtOnce() throws Exception {
    List<Mesh> meshes = Members.group(2, TIMEOUT, r -> true);
    long start = System.nanoTime();
    List<Members.Outcome<Sum>> outcomes = Members.run(meshes, (rank, mesh) -> {
      if (rank == 1) {
        mesh.close();
        return null;
      }
      return mesh.allReduce(1, MeshTest.part(1, 0, 2, 10));
    });
    Throwable e = outcomes.get(0).error();
    assertInstanceOf(EOFException.class, e);
    assertTrue(e.getMessage().contains("rank 1 (in this process) closed its link"), e.getMessage());
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "failed after " + (System.nanoTime() - start) + " ns");
  }

  @Test
  void aMemberWithAnotherSecretIsNeverFoundAndTheRoundEndsAtTheTimeout() throws Exception {
    Duration shortTimeout = Duration.ofSeconds(1);
    List<Mesh> meshes = new ArrayList<>();
    meshes.add(Mesh.listen(Members.loopback(), 0, 2, Members.SECRET, Members.SESSION, shortTimeout, () -> false, true));
    meshes.add(Mesh.listen(Members.loopback(), 1, 2, "another-secret-0123456789".getBytes(StandardCharsets.US_ASCII),
        Members.SESSION, shortTimeout, () -> false, true));
    List<Members.Outcome<Sum>> outcomes = Members.run(meshes,
        (rank, mesh) -> mesh.allReduce(1, MeshTest.part(1, rank, 2, 10)));
    for (int rank = 0; rank < 2; rank++) {
      Throwable e = outcomes.get(rank).error();
      assertInstanceOf(SocketTimeoutException.class, e, "rank " + rank);
      assertTrue(e.getMessage().contains("sent nothing for 1 s"), e.getMessage());
    }
  }

  @Test
  void cancellationEndsAWaitPromptly() throws Exception {
    AtomicBoolean cancelled = new AtomicBoolean();
    List<Mesh> meshes = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      meshes.add(Mesh.listen(Members.loopback(), r, 2, Members.SECRET, Members.SESSION, TIMEOUT, cancelled::get, true));
    }
    long[] waited = new long[1];
    List<Members.Outcome<Sum>> outcomes = Members.run(meshes, (rank, mesh) -> {
      if (rank == 1) {
        Thread.sleep(300); // rank 0 waits for this member's frame meanwhile
        cancelled.set(true);
        return null;
      }
      long start = System.nanoTime();
      try {
        return mesh.allReduce(1, MeshTest.part(1, 0, 2, 10));
      } finally {
        waited[0] = System.nanoTime() - start;
      }
    });
    Throwable e = outcomes.get(0).error();
    assertInstanceOf(InterruptedIOException.class, e);
    assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
    assertTrue(waited[0] < 2_000_000_000L, "waited " + waited[0] + " ns");
  }
}
