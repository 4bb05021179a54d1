package io.downhill.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import org.junit.jupiter.api.Test;

/** Real-valued targets through blocks and shards: stored, gathered, cut out, fingerprinted and checked. */
class RegressionRowsTest {

  /** Rows i = 0..rows-1 with features {i, 0, -i} (every other one sparse-ish) and target 0.5·i - 3. */
  private static Shard build(RowSink sink, int rows) {
    for (int i = 0; i < rows; i++) {
      sink.addDense(new double[] {i, 0, -i}, 0.5 * i - 3, 1 + i);
    }
    return sink.build();
  }

  @Test
  void denseAndSparseShardsKeepTheTargetsOfTheRowsGathered() {
    int[] order = {7, 2, 0, 5, 6};
    for (int blockRows : new int[] {1, 3, 100}) {
      Shard dense = build(new BlockBuilder(Precision.FLOAT64, 3, blockRows, true, true), 8);
      Shard sparse = build(new SparseBlockBuilder(Precision.FLOAT64, 3, blockRows, true, false, true), 8);
      for (Shard s : new Shard[] {dense, sparse}) {
        assertTrue(s.regression());
        assertNull(s.blocks().get(0).labels());
        assertArrayEquals(new double[] {-2, -3, -0.5}, s.gatherTargets(order, 1, 4, new double[3]), 0.0);
        double[] weights = new double[3];
        if (s.isSparse()) {
          s.gatherSparse(order, 1, 4, new int[3], weights);
        } else {
          s.gather(order, 1, 4, Buf.allocate(Precision.FLOAT64, 9), new int[3], weights);
        }
        assertArrayEquals(new double[] {3, 1, 6}, weights, 0.0);
        Shard head = s.head(4);
        assertTrue(head.regression());
        assertArrayEquals(new double[] {-3, -2.5, -2, -1.5}, head.blocks().get(0).targets(), 0.0);
      }
      assertEquals(dense.fingerprint(), sparse.fingerprint(), "storage does not change the rows");
      assertEquals(8L * (8 * 3) + 8L * 8 + 8L * 8, dense.bytes(), "features, targets and weights in doubles");
    }
  }

  @Test
  void theFingerprintSeesTheTargetsAndClassificationShardsAreUnchanged() {
    Shard a = build(new BlockBuilder(Precision.FLOAT32, 3, 4, true, true), 6);
    BlockBuilder other = new BlockBuilder(Precision.FLOAT32, 3, 4, true, true);
    for (int i = 0; i < 6; i++) {
      other.addDense(new double[] {i, 0, -i}, 0.5 * i - 3 + (i == 4 ? 1e-9 : 0), 1 + i);
    }
    assertFalse(a.fingerprint() == other.build().fingerprint(), "a target moved by 1e-9 is another data set");
    BlockBuilder classes = new BlockBuilder(Precision.FLOAT32, 3, 4, false);
    classes.addDense(new double[] {1, 2, 3}, 2, 1.0);
    Shard c = classes.build();
    assertFalse(c.regression());
    assertArrayEquals(new int[] {2}, c.blocks().get(0).labels());
    assertNull(c.blocks().get(0).targets());
  }

  @Test
  void aShardIsAllRegressionOrAllClassification() {
    Block targets = Block.regression(1, 1, Buf.wrap(new double[] {1}), new double[] {0.5}, null);
    Block labels = new Block(1, 1, Buf.wrap(new double[] {1}), new int[] {1}, null);
    assertThrows(IllegalArgumentException.class, () -> new Shard(java.util.List.of(targets, labels), 1, 1));
  }

  @Test
  void realLabelsAcceptAnyFiniteNumberAndNameABadOne() {
    Labels real = Labels.real();
    assertTrue(real.isReal());
    assertEquals(0, real.numClasses());
    assertEquals(-1234.5, real.targetOrThrow(-1234.5, "row 3"), 0.0);
    assertTrue(real.allows(0.25) && !real.allows(Double.NaN) && !real.allows(Double.POSITIVE_INFINITY));
    BadInputException nan = assertThrows(BadInputException.class, () -> real.targetOrThrow(Double.NaN, "row 7"));
    assertEquals("row 7: label is not finite: expected finite real-valued labels, found NaN", nan.getMessage());
    BadInputException inf = assertThrows(BadInputException.class,
        () -> real.targetOrThrow(Double.NEGATIVE_INFINITY, "row 2"));
    assertTrue(inf.getMessage().endsWith("found -Infinity"), inf.getMessage());
    assertFalse(Labels.classes(3).isReal());
    assertNull(LibsvmLine.problem("-17.25 1:0.5 3:2", real, 3));
    assertTrue(LibsvmLine.problem("NaN 1:0.5", real, 3).startsWith("label is not finite: expected finite real-valued"));
  }
}
