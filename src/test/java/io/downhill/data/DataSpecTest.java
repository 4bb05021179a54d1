package io.downhill.data;

import io.downhill.BadInputException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSpecTest {
  @TempDir
  Path dir;

  @Test
  void parsesEveryForm() {
    assertEquals(DataSpec.Kind.IDX, DataSpec.parse("idx:/x/y", List.of()).kind());
    assertEquals("/x/y", DataSpec.parse("idx:/x/y", List.of()).path());
    assertEquals(DataSpec.Kind.CIFAR10, DataSpec.parse("cifar10:/c", List.of()).kind());
    assertEquals(DataSpec.Kind.LIBSVM, DataSpec.parse("libsvm:a9a.txt", List.of()).kind());
    assertEquals(DataSpec.Kind.PARQUET, DataSpec.parse("parquet:hdfs://nn/t", List.of()).kind());
    assertEquals("hdfs://nn/t", DataSpec.parse("parquet:hdfs://nn/t", List.of()).path());
    assertEquals(DataSpec.Kind.CSV, DataSpec.parse("csv:t.csv", List.of()).kind());
    assertEquals(DataSpec.Kind.SYNTHETIC, DataSpec.parse("synthetic", List.of()).kind());
    assertTrue(DataSpec.parse("cifar10:/c", List.of()).bringsTestSplit());
    assertTrue(!DataSpec.parse("csv:t.csv", List.of()).bringsTestSplit());
  }

  @Test
  void findsNamedDatasetsInTheFirstDirectoryThatHasThem() throws IOException {
    Path first = Files.createDirectories(dir.resolve("a"));
    Path second = Files.createDirectories(dir.resolve("b/mnist"));
    DataSpec spec = DataSpec.parse("mnist", List.of(first, dir.resolve("b")));
    assertEquals(DataSpec.Kind.IDX, spec.kind());
    assertEquals(second.toString(), spec.path());
    assertEquals("mnist", spec.text());
  }

  @Test
  void namesEveryPlaceItLookedWhenANamedDatasetIsMissing() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> DataSpec.parse("fashion-mnist", List.of(dir.resolve("x"), dir.resolve("y"))));
    assertTrue(e.getMessage().contains(dir.resolve("x/fashion-mnist").toString()), e.getMessage());
    assertTrue(e.getMessage().contains(dir.resolve("y/fashion-mnist").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void rejectsUnknownSpecsAndEmptyPaths() {
    BadInputException unknown = assertThrows(BadInputException.class, () -> DataSpec.parse("hdf5:/x", List.of()));
    assertTrue(unknown.getMessage().contains("unknown data spec"), unknown.getMessage());
    assertThrows(BadInputException.class, () -> DataSpec.parse("idx:", List.of()));
    assertThrows(BadInputException.class, () -> DataSpec.parse(" ", List.of()));
  }
}
