package io.downhill.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Csr;
import io.downhill.linalg.Precision;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RowSparseGradientTest {

  @Test
  void distinctColumnsAreTheSortedUnionOfTheRowsColumnsAndLeaveTheBitSetClear() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int d : new int[] {1, 63, 64, 65, 1000, 1 << 16}) {
      Buf dense = Buf.allocate(Precision.FLOAT64, 40 * d);
      TreeSet<Integer> expected = new TreeSet<>();
      for (int i = 0; i < 40 * d; i++) {
        if (rng.nextDouble() < Math.min(1.0, 5.0 / d)) {
          dense.set(i, 1 + rng.nextDouble());
          expected.add(i % d);
        }
      }
      long[] marks = new long[(d + 63) / 64 + 3];
      int[] got = Csr.fromDense(dense, 40, d).distinctColumns(marks);
      assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), got, "d=" + d);
      assertArrayEquals(new long[marks.length], marks, "bit set cleared, d=" + d);
    }
  }

  @Test
  void extractedRowsAddTheSameSumsAsTheDenseGradientAndLeaveItZero() {
    for (Precision precision : Precision.values()) {
      int d = 50;
      int h = 3;
      int wOff = 4; // parameters before W, as a layout may have
      int p = wOff + d * h + 7;
      int[] rows = {0, 3, 17, 49};
      Buf grad = Buf.allocate(precision, p);
      SplittableRandom rng = new SplittableRandom(2);
      for (int i = 0; i < wOff; i++) {
        grad.set(i, rng.nextGaussian());
      }
      for (int r : rows) {
        for (int c = 0; c < h; c++) {
          grad.set(wOff + r * h + c, rng.nextGaussian());
        }
      }
      for (int i = wOff + d * h; i < p; i++) {
        grad.set(i, rng.nextGaussian());
      }
      double[] base = new double[p];
      for (int i = 0; i < p; i++) {
        base[i] = rng.nextGaussian();
      }
      double[] dense = base.clone();
      grad.addTo(0, dense, p);

      RowSparseGradient sparse = RowSparseGradient.extract(grad, p, wOff, d, h, rows);
      double[] viaRows = base.clone();
      sparse.addTo(viaRows);
      assertArrayEquals(dense, viaRows, 0.0, precision.toString());
      for (int i = 0; i < p; i++) {
        assertEquals(0.0, grad.get(i), 0.0, "gradient buffer zeroed at " + i);
      }
      assertEquals(rows.length * h, sparse.values().length());
      assertEquals(p - d * h, sparse.rest().length());
    }
  }

  @Test
  void rowsPayOnlyWhenTheyAreUnderHalfTheDenseBytes() {
    assertTrue(RowSparseGradient.pays(1000, 10, 1 << 20, 4));
    assertFalse(RowSparseGradient.pays(60_000, 10, 1_000_000, 4), "60% of the rows: dense is as good");
    assertTrue(RowSparseGradient.pays(0, 10, 10, 4));
  }
}
