package io.downhill.data;

import io.downhill.BadInputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.testing.DataFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
  @TempDir
  Path dir;

  private List<String> paths(String... names) {
    List<String> p = new ArrayList<>();
    for (String n : names) {
      p.add(dir.resolve(n).toString());
    }
    return p;
  }

  @Test
  void readsRecordsAcrossFilesInTheExactLayout() throws IOException {
    Files.write(dir.resolve("b1.bin"), DataFiles.cifarBatch(3, 0));
    Files.write(dir.resolve("b2.bin"), DataFiles.cifarBatch(4, 5));
    CifarReader.Batches batches = CifarReader.open(Opener.LOCAL, paths("b1.bin", "b2.bin"));
    assertEquals(7, batches.total());
    List<Integer> labels = new ArrayList<>();
    try (RowCursor c = CifarReader.cursor(Opener.LOCAL, batches, 2, 6)) {
      while (c.next()) {
        labels.add(c.label());
        long row = c.index();
        int inFile = (int) (row < 3 ? row : row - 3);
        int label = row < 3 ? (int) row : (int) (5 + row - 3) % 10;
        // pixel p of record i is (label*25 + p + i) & 0xFF: red plane first, then green, then blue
        assertEquals((label * 25 + 1500 + inFile) & 0xFF, c.pixels()[1500] & 0xFF);
        assertEquals(3072, c.pixels().length);
      }
    }
    assertEquals(List.of(2, 5, 6, 7), labels);
  }

  @Test
  void rejectsFilesOfTheWrongSize() throws IOException {
    Files.write(dir.resolve("bad.bin"), Arrays.copyOf(DataFiles.cifarBatch(2, 0), 3073 * 2 - 100));
    BadInputException e = assertThrows(BadInputException.class, () -> CifarReader.open(Opener.LOCAL, paths("bad.bin")));
    assertTrue(e.getMessage().contains("bad.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("multiple of 3073"), e.getMessage());
    assertTrue(e.getMessage().contains("6046 bytes"), e.getMessage());
  }

  @Test
  void rejectsLabelsAboveNine() throws IOException {
    byte[] batch = DataFiles.cifarBatch(3, 0);
    batch[3073] = 12;
    Files.write(dir.resolve("b.bin"), batch);
    CifarReader.Batches batches = CifarReader.open(Opener.LOCAL, paths("b.bin"));
    BadInputException e = assertThrows(BadInputException.class, () -> {
      try (RowCursor c = CifarReader.cursor(Opener.LOCAL, batches, 0, 3)) {
        while (c.next()) {
          c.label();
        }
      }
    });
    assertTrue(e.getMessage().contains("b.bin record 1") && e.getMessage().contains("found 12"), e.getMessage());
  }

  @Test
  void rejectsMissingFiles() {
    BadInputException e = assertThrows(BadInputException.class, () -> CifarReader.open(Opener.LOCAL, paths("none.bin")));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }
}
