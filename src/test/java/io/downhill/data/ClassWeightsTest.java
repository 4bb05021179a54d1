package io.downhill.data;

import io.downhill.BadInputException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassWeightsTest {

  @Test
  void balancedGivesEveryClassTheSameTotalWeight() {
    Map<Double, Long> counts = Map.of(0.0, 60L, 1.0, 30L, 2.0, 10L);
    double[] w = ClassWeights.parse("balanced", Labels.classes(3), counts);
    assertArrayEquals(new double[] {100.0 / 180, 100.0 / 90, 100.0 / 30}, w, 1e-12);
    assertTrue(Math.abs(w[0] * 60 - w[2] * 10) < 1e-9);
    // -1/+1 labels are counted under their classes 0/1
    assertArrayEquals(new double[] {0.625, 2.5}, ClassWeights.parse("balanced", Labels.plusMinusOne(),
        Map.of(-1.0, 40L, 1.0, 10L)), 1e-12);
  }

  @Test
  void explicitWeightsAreCheckedAndNoneIsNull() {
    assertArrayEquals(new double[] {1, 2.5, 0}, ClassWeights.parse("1, 2.5,0", Labels.classes(3), Map.of()), 0);
    assertNull(ClassWeights.parse("none", Labels.classes(3), Map.of()));
    assertThrows(BadInputException.class, () -> ClassWeights.parse("1,2", Labels.classes(3), Map.of()));
    assertThrows(BadInputException.class, () -> ClassWeights.parse("1,-2,1", Labels.classes(3), Map.of()));
    assertThrows(BadInputException.class, () -> ClassWeights.parse("1,x,1", Labels.classes(3), Map.of()));
    assertThrows(BadInputException.class, () -> ClassWeights.parse("0,0,0", Labels.classes(3), Map.of()));
  }
}
