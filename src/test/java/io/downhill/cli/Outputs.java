package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Assertions about what a run leaves beside its {@code --out}. */
final class Outputs {
  private Outputs() {}

  /**
   * No {@code .NAME.running} or {@code .NAME.old-*} folder beside {@code out}: a run that ended,
   * however, left nothing half-written. (The {@code .NAME.lock} file stays, by design: see
   * {@link RunOutput}.)
   */
  static void assertNoPartialSiblings(Path out) throws IOException {
    String name = out.getFileName().toString();
    try (Stream<Path> files = Files.list(out.toAbsolutePath().getParent())) {
      List<String> left = files.map(p -> p.getFileName().toString())
          .filter(n -> n.equals("." + name + ".running") || n.startsWith("." + name + ".old-")).toList();
      assertEquals(List.of(), left, "partial folders left beside " + out);
    }
  }
}
