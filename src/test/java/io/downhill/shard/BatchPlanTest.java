package io.downhill.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

  @Test
  void stepsPerEpochIsTheCeiling() {
    assertEquals(211, BatchPlan.stepsPerEpoch(54_000, 256));
    assertEquals(1, BatchPlan.stepsPerEpoch(10, 256));
    assertEquals(10, BatchPlan.stepsPerEpoch(10, 1));
  }

  @Test
  void anEpochTakesEveryRowOfEveryPartitionExactlyOnce() {
    int[] partitionRows = {1000, 997, 3, 0};
    long total = Arrays.stream(partitionRows).sum();
    int batch = 64;
    int steps = BatchPlan.stepsPerEpoch(total, batch);
    int globalTaken = 0;
    for (int p = 0; p < partitionRows.length; p++) {
      int rows = partitionRows[p];
      int[] perm = BatchPlan.permutation(5, 2, p, rows);
      boolean[] seen = new boolean[rows];
      for (int s = 0; s < steps; s++) {
        int from = BatchPlan.start(rows, s, steps);
        int to = BatchPlan.start(rows, s + 1, steps);
        // each partition contributes its share of the global batch, B·n_p/N rounded
        assertTrue(Math.abs((to - from) - (double) batch * rows / total) < 1.0 + 1e-9);
        for (int i = from; i < to; i++) {
          assertFalse(seen[perm[i]], "row taken twice");
          seen[perm[i]] = true;
        }
        globalTaken += to - from;
      }
      for (boolean b : seen) {
        assertTrue(b, "row never taken");
      }
    }
    assertEquals(total, globalTaken);
  }

  @Test
  void permutationsAreSeededAndChangeWithEpochAndPartition() {
    int[] a = BatchPlan.permutation(1, 0, 0, 500);
    assertTrue(Arrays.equals(a, BatchPlan.permutation(1, 0, 0, 500)));
    assertFalse(Arrays.equals(a, BatchPlan.permutation(1, 1, 0, 500)));
    assertFalse(Arrays.equals(a, BatchPlan.permutation(1, 0, 1, 500)));
    assertFalse(Arrays.equals(a, BatchPlan.permutation(2, 0, 0, 500)));
    int[] sorted = a.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
  }
}
