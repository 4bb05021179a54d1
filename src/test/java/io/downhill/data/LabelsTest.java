package io.downhill.data;

import io.downhill.BadInputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void infersClassesFromTheLargestLabel() {
    Labels l = Labels.infer(Map.of(0.0, 5L, 1.0, 3L, 4.0, 1L), 0, "data");
    assertEquals(5, l.numClasses());
    assertFalse(l.isPlusMinusOne());
    assertEquals(4, l.classOf(4.0));
    assertEquals(-1, l.classOf(5.0));
    assertEquals(-1, l.classOf(1.5));
  }

  @Test
  void mapsPlusMinusOneToZeroOne() {
    Labels l = Labels.infer(Map.of(-1.0, 5L, 1.0, 3L), 0, "data");
    assertTrue(l.isPlusMinusOne());
    assertEquals(2, l.numClasses());
    assertEquals(0, l.classOf(-1.0));
    assertEquals(1, l.classOf(1.0));
    assertEquals(-1, l.classOf(0.0));
  }

  @Test
  void rejectsFractionsNegativesAndLabelsAboveTheGivenClassCount() {
    BadInputException frac = assertThrows(BadInputException.class, () -> Labels.infer(Map.of(0.0, 1L, 2.5, 2L), 0, "f.txt"));
    assertTrue(frac.getMessage().startsWith("f.txt: invalid label"), frac.getMessage());
    assertTrue(frac.getMessage().contains("found 2.5 (2 rows)"), frac.getMessage());
    BadInputException neg = assertThrows(BadInputException.class, () -> Labels.infer(Map.of(0.0, 1L, -2.0, 1L), 0, "f"));
    assertTrue(neg.getMessage().contains("found -2"), neg.getMessage());
    BadInputException high = assertThrows(BadInputException.class, () -> Labels.infer(Map.of(0.0, 1L, 3.0, 1L), 3, "f"));
    assertTrue(high.getMessage().contains("label out of range: expected 0..2 (3 classes), found 3"), high.getMessage());
    assertThrows(BadInputException.class, () -> Labels.infer(Map.of(0.0, 4L), 0, "f")); // a single class
    assertThrows(BadInputException.class, () -> Labels.infer(Map.of(), 0, "f")); // empty data
    assertThrows(BadInputException.class, () -> Labels.infer(Map.of(Double.NaN, 1L, 0.0, 1L), 0, "f"));
  }

  @Test
  void classOrThrowNamesWhereAndWhat() {
    BadInputException e = assertThrows(BadInputException.class, () -> Labels.classes(10).classOrThrow(10, "row 7"));
    assertEquals("row 7: label out of range: expected integer labels 0..9, found 10", e.getMessage());
  }
}
