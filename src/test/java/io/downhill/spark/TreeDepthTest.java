package io.downhill.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TreeDepthTest {

  @Test
  void theDriverTakesInAtMostSixteenMegabytesPerStep() {
    long softmax = 8L * 7_850;
    long mlp = 8L * 203_530;
    assertEquals(1, SparkGradientSource.treeDepth(2, softmax));
    assertEquals(1, SparkGradientSource.treeDepth(200, softmax)); // 12.6 MB in one level
    assertEquals(2, SparkGradientSource.treeDepth(400, softmax));
    assertEquals(1, SparkGradientSource.treeDepth(8, mlp));
    assertEquals(2, SparkGradientSource.treeDepth(100, mlp));     // 10 results of 1.6 MB
    assertEquals(3, SparkGradientSource.treeDepth(1000, mlp));
    assertEquals(SparkGradientSource.Transport.CLOSURE, SparkGradientSource.Transport.auto(7_850));
    assertEquals(SparkGradientSource.Transport.BROADCAST, SparkGradientSource.Transport.auto(203_530));
  }
}
