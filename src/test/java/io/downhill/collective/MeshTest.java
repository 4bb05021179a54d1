package io.downhill.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Sums: every member's result equals the driver's rank-order merge bit for bit. */
class MeshTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int[] LENGTHS = {0, 1, 3, 5, 1000, 1001};

  /** The driver's merge: a zeroed double array plus each vector in rank order; scalars from the first. */
  static Sum reference(List<Part> parts) {
    int n = parts.get(0).length();
    double[] sum = null;
    for (Part p : parts) {
      if (p.vector() != null) {
        sum = sum != null ? sum : new double[n];
        p.vector().addTo(0, sum, n);
      }
    }
    double[] scalars = parts.get(0).scalars().clone();
    long max = parts.get(0).max();
    for (Part p : parts.subList(1, parts.size())) {
      for (int j = 0; j < scalars.length; j++) {
        scalars[j] += p.scalars()[j];
      }
      max = Math.max(max, p.max());
    }
    return new Sum(sum, scalars, max);
  }

  /**
   * Rank r's part of a round, the same on every thread that asks: float, double or no vector, in a
   * buffer longer than n with junk past n; values with negatives, -0.0, infinities and a NaN.
   */
  static Part part(long round, int rank, int size, int n) {
    SplittableRandom rng = new SplittableRandom(round * 1_000_003 + rank * 101 + size * 7 + n);
    int kind = rng.nextInt(4);
    Buf vector = kind == 0 ? null : Buf.allocate(kind == 1 ? Precision.FLOAT64 : Precision.FLOAT32, n + 3);
    for (int i = 0; vector != null && i < vector.length(); i++) {
      int pick = rng.nextInt(50);
      vector.set(i, pick == 0 ? -0.0 : pick == 1 ? Double.NEGATIVE_INFINITY : pick == 2 && n > 900 ? Double.NaN
          : pick == 3 ? 1e30 : (rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-8, 8)));
    }
    double[] scalars = new double[(int) (round % 3) + 1];
    scalars[0] = -0.0; // -0.0 on every member: the sum must stay -0.0 (it starts from the first, not 0.0)
    for (int j = 1; j < scalars.length; j++) {
      scalars[j] = rng.nextDouble() - 0.5;
    }
    return new Part(vector, n, scalars, rng.nextLong());
  }

  static void assertSameBits(Sum expected, Sum found, String where) {
    assertEquals(expected.max(), found.max(), where + ": max");
    assertBits(expected.scalars(), found.scalars(), where + ": scalars");
    if (expected.vector() == null) {
      assertNull(found.vector(), where + ": no member had a vector");
    } else {
      assertNotNull(found.vector(), where + ": vector");
      assertBits(expected.vector(), found.vector(), where + ": vector");
    }
  }

  private static void assertBits(double[] expected, double[] found, String where) {
    assertEquals(expected.length, found.length, where + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(found[i]),
          where + " at " + i + ": expected " + expected[i] + ", found " + found[i]);
    }
  }

  @Test
  void everyMemberGetsTheDriversMergeBitForBitForOneToFourMembers() throws Exception {
    for (int size = 1; size <= 4; size++) {
      int p = size;
      List<Members.Outcome<Integer>> outcomes = Members.run(Members.group(p, TIMEOUT), (rank, mesh) -> {
        long round = 10;
        for (int n : LENGTHS) {
          for (int repeat = 0; repeat < 3; repeat++, round += 3) {
            Sum found = mesh.allReduce(round, part(round, rank, p, n));
            List<Part> all = new ArrayList<>();
            for (int r = 0; r < p; r++) {
              all.add(part(round, r, p, n));
            }
            assertSameBits(reference(all), found, "P=" + p + " rank " + rank + " n=" + n + " round " + round);
          }
        }
        return rank;
      });
      assertEquals(p, Members.results(outcomes).size());
    }
  }

  @Test
  void aRoundWithoutVectorsSumsTheScalarsAndSendsOnlyTheReduceScatter() throws Exception {
    List<Members.Outcome<Long>> outcomes = Members.run(Members.group(3, TIMEOUT), (rank, mesh) -> {
      Sum sum = mesh.allReduce(1, new Part(null, 100, new double[] {rank + 0.5}, -rank));
      assertNull(sum.vector());
      assertEquals(0.5 + 1.5 + 2.5, sum.scalars()[0]);
      assertEquals(0, sum.max());
      return mesh.messagesSent();
    });
    assertEquals(List.of(2L, 2L, 2L), Members.results(outcomes));
  }

  @Test
  void eachMemberSendsTwoMessagesPerPeerAndItsSlicesBytes() throws Exception {
    int p = 3;
    int n = 10; // slices of 3, 3, 4 values
    int k = 2;
    List<Members.Outcome<long[]>> outcomes = Members.run(Members.group(p, TIMEOUT), (rank, mesh) -> {
      mesh.allReduce(7, new Part(Buf.allocate(Precision.FLOAT32, n), n, new double[k], 0));
      return new long[] {mesh.messagesSent(), mesh.bytesSent()};
    });
    int[] slice = {3, 3, 4};
    List<long[]> results = Members.results(outcomes);
    for (int r = 0; r < p; r++) {
      long bytes = 0;
      for (int s = 0; s < p; s++) {
        if (s != r) {
          bytes += Frame.HEADER + 8 + 8 * k + 4L * slice[s]; // my float slice s to its owner
          bytes += Frame.HEADER + 8L * slice[r]; // my summed slice, as doubles, to everyone
        }
      }
      assertEquals(2L * (p - 1), results.get(r)[0], "messages of rank " + r);
      assertEquals(bytes, results.get(r)[1], "bytes of rank " + r);
    }
  }

  @Test
  void membersThatDisagreeOnTheVectorLengthFailNamingBothLengths() throws Exception {
    List<Members.Outcome<Sum>> outcomes = Members.run(Members.group(2, TIMEOUT),
        (rank, mesh) -> mesh.allReduce(1, new Part(null, 10 + rank, new double[0], 0)));
    // Both members refuse the other's header; whichever refuses first closes its link, so the
    // second may see that close before it reads the bad header. Both must fail, and at least one
    // must name the two lengths: its own as expected, the peer's as found.
    String first = outcomes.get(0).error().getMessage();
    String second = outcomes.get(1).error().getMessage();
    boolean zeroNames = first.contains("rank 1") && first.contains("vector length n") && first.contains("11, expected 10");
    boolean oneNames = second.contains("rank 0") && second.contains("vector length n") && second.contains("10, expected 11");
    assertTrue(zeroNames || oneNames, "rank 0: " + first + "\nrank 1: " + second);
  }

  @Test
  void membersLinkOverIpv6WithBracketedAddresses() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    List<Mesh> meshes = new ArrayList<>();
    try {
      for (int r = 0; r < 2; r++) {
        meshes.add(Mesh.listen(v6, r, 2, Members.SECRET, Members.SESSION, TIMEOUT, () -> false));
      }
    } catch (java.net.SocketException e) {
      meshes.forEach(Mesh::close);
      Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
    }
    assertTrue(meshes.get(0).address().startsWith("[0:0:0:0:0:0:0:1]:"), meshes.get(0).address());
    List<Sum> sums = Members.results(Members.run(meshes,
        (rank, mesh) -> mesh.allReduce(1, new Part(Buf.wrap(new double[] {rank, 1}), 2, new double[0], rank))));
    assertEquals(List.of(1L, 1L), sums.stream().map(Sum::max).toList());
    assertEquals(1.0, sums.get(0).vector()[0]);
  }

  @Test
  void aGroupOfOneSumsItsOwnPartWithoutSockets() throws Exception {
    try (Mesh mesh = Members.listen(0, 1, TIMEOUT)) {
      assertTrue(mesh.address().endsWith(":0"), mesh.address());
      mesh.connect(List.of(mesh.address()));
      for (long round = 0; round < 3; round++) {
        Part part = part(round, 0, 1, 1001);
        assertSameBits(reference(List.of(part)), mesh.allReduce(round, part), "round " + round);
      }
      assertEquals(0, mesh.bytesSent());
    }
  }

  @Test
  void roundsMustIncrease() throws Exception {
    try (Mesh mesh = Members.listen(0, 1, TIMEOUT)) {
      mesh.allReduce(5, new Part(null, 0, new double[0], 0));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> mesh.allReduce(5, new Part(null, 0, new double[0], 0)));
      assertTrue(e.getMessage().contains("round 5 follows round 5"), e.getMessage());
    }
  }

  @Test
  void listenRefusesTheWildcardAndShortSecrets() throws Exception {
    InetAddress any = InetAddress.getByName("0.0.0.0");
    assertThrows(IllegalArgumentException.class,
        () -> Mesh.listen(any, 0, 2, Members.SECRET, 1, TIMEOUT, () -> false));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Mesh.listen(Members.loopback(), 0, 2, new byte[15], 1, TIMEOUT, () -> false));
    assertTrue(e.getMessage().contains("at least 16 bytes; found 15"), e.getMessage());
  }
}
