package io.downhill.data;

import io.downhill.BadInputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14's bad data at the readers: one-line messages that name the file and show only printable text. */
class BadDataReadersTest {
  @TempDir
  Path dir;

  @Test
  void printableEscapesControlBytesAndUndecodableTextAndCuts() {
    assertEquals("a\\x00b\\tc\\x1b\\ufffd", Printable.abbreviate("a\u0000b\tc\u001b\ufffd", 80));
    assertEquals("café 3:0.5", Printable.abbreviate("café 3:0.5", 80), "printable text stays as it is");
    String cut = Printable.abbreviate("x".repeat(100), 40);
    assertEquals("x".repeat(40) + "...", cut);
  }

  @Test
  void idxHeaderWhoseItemsOverflowAnIntNamesTheFileAndItsDimensions() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0x00000803);
    d.writeInt(10);
    d.writeInt(50000);
    d.writeInt(50000);
    Path file = dir.resolve("images");
    Files.write(file, b.toByteArray());
    BadInputException e = assertThrows(BadInputException.class, () -> IdxReader.readHeader(Opener.LOCAL, file.toString(), 3));
    assertTrue(e.getMessage().startsWith(file + ": IDX header declares items too large"), e.getMessage());
    assertTrue(e.getMessage().contains("found 50000 x 50000 = 2500000000"), e.getMessage());
  }

  @Test
  void aTrainingSetOfOneClassIsRefusedForAnyLabelAndNamesTheData() {
    for (double label : new double[] {0, 1, -1, 7}) {
      BadInputException e = assertThrows(BadInputException.class,
          () -> Labels.infer(Map.of(label, 12L), 0, "csv:/data/t.csv"));
      assertEquals("csv:/data/t.csv: only one class in the training labels: expected at least 2 distinct labels, "
          + "found only label " + Labels.format(label) + " (12 rows)", e.getMessage());
    }
    assertEquals(2, Labels.infer(Map.of(0.0, 3L, 1.0, 4L), 0, "x").numClasses());
  }
}
