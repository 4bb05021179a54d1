package io.downhill.data;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LibsvmLineTest {

  private static void assertProblem(String line, String expected) {
    String p = LibsvmLine.problem(line, Labels.plusMinusOne(), 10);
    assertTrue(p != null && p.contains(expected), "line '" + line + "': " + p);
  }

  @Test
  void acceptsWhatSparkAccepts() {
    assertNull(LibsvmLine.problem("+1 1:0.5 3:1 10:-2e-3", Labels.plusMinusOne(), 10));
    assertNull(LibsvmLine.problem("-1", Labels.plusMinusOne(), 10));
    assertNull(LibsvmLine.problem("   ", null, 0));
    assertNull(LibsvmLine.problem("# a comment", null, 0));
    assertNull(LibsvmLine.problem("7 2:1", null, 0));
  }

  @Test
  void namesEachKindOfProblem() {
    assertProblem("x 1:1", "label is not a number");
    assertProblem("2 1:1", "label out of range");
    assertProblem("1 1-1", "not index:value");
    assertProblem("1 a:1", "index is not an integer");
    assertProblem("1 0:1", "below 1");
    assertProblem("1 3:1 2:1", "not ascending");
    assertProblem("1 11:1", "index out of range");
    assertProblem("1 2:abc", "value is not a number");
    assertProblem("1 2:NaN", "not finite");
    assertProblem("1 2:nan", "value is not a number"); // Java's (and so Spark's) parser spells it NaN
    assertProblem("1 2:Infinity", "not finite");
  }
}
