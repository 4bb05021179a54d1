package io.downhill.data;

import io.downhill.BadInputException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import org.junit.jupiter.api.Test;

class ShardTest {

  private static Shard build(int rows, int blockRows, Precision p) {
    BlockBuilder b = new BlockBuilder(p, 3, blockRows, true);
    for (int i = 0; i < rows; i++) {
      b.addDense(new double[] {i, 10 + i, 100 + i}, i % 4, 0.5 + i);
    }
    return b.build();
  }

  @Test
  void blocksHoldRowsInOrderWithFullBlocksButTheLast() {
    Shard s = build(10, 4, Precision.FLOAT32);
    assertEquals(10, s.rows());
    assertEquals(3, s.blocks().size());
    assertEquals(4, s.blocks().get(0).rows());
    assertEquals(2, s.blocks().get(2).rows());
    assertEquals(9f, s.blocks().get(2).x().f[3]); // row 9 = row 1 of block 2, feature 0
    assertTrue(s.weighted());
  }

  @Test
  void gatherTakesRowsInTheGivenOrderWhateverTheBlockSize() {
    int[] order = {9, 0, 5, 4, 7};
    for (int blockRows : new int[] {1, 3, 4, 100}) {
      for (Precision p : Precision.values()) {
        Shard s = build(10, blockRows, p);
        Buf x = Buf.allocate(p, 3 * 3);
        int[] labels = new int[3];
        double[] weights = new double[3];
        s.gather(order, 1, 4, x, labels, weights);
        assertArrayEquals(new double[] {0, 10, 100, 5, 15, 105, 4, 14, 104},
            new double[] {x.get(0), x.get(1), x.get(2), x.get(3), x.get(4), x.get(5), x.get(6), x.get(7), x.get(8)});
        assertArrayEquals(new int[] {0, 1, 0}, labels);
        assertArrayEquals(new double[] {0.5, 5.5, 4.5}, weights);
      }
    }
  }

  @Test
  void sparseRowsBecomeDenseRows() {
    BlockBuilder b = new BlockBuilder(Precision.FLOAT64, 5, 8, false);
    b.addSparse(5, new int[] {1, 4}, new double[] {2.5, -1}, 1, 1.0);
    Shard s = b.build();
    assertArrayEquals(new double[] {0, 2.5, 0, 0, -1}, s.blocks().get(0).x().d);
    assertEquals(1.0, s.blocks().get(0).weight(0));
  }

  @Test
  void rejectsNonFiniteValuesWrongDimensionsAndNegativeWeights() {
    BlockBuilder b = new BlockBuilder(Precision.FLOAT32, 3, 8, true);
    b.addDense(new double[] {1, 2, 3}, 0, 1);
    BadInputException nan = assertThrows(BadInputException.class, () -> b.addDense(new double[] {1, Double.NaN, 3}, 0, 1));
    assertEquals("row 1, feature 1: feature value is not finite: expected a finite number, found NaN", nan.getMessage());
    BadInputException inf = assertThrows(BadInputException.class,
        () -> b.addSparse(3, new int[] {2}, new double[] {Double.NEGATIVE_INFINITY}, 0, 1));
    assertTrue(inf.getMessage().contains("-Infinity"), inf.getMessage());
    BadInputException dim = assertThrows(BadInputException.class, () -> b.addDense(new double[] {1, 2}, 0, 1));
    assertTrue(dim.getMessage().contains("dimension mismatch: expected 3 features, found 2 features"), dim.getMessage());
    BadInputException w = assertThrows(BadInputException.class, () -> b.addDense(new double[] {1, 2, 3}, 0, -1));
    assertTrue(w.getMessage().contains("invalid sample weight"), w.getMessage());
  }
}
