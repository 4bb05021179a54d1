package io.downhill.data;

import io.downhill.BadInputException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where data comes from, as written on the command line.
 *
 * <ul>
 *   <li>{@code fashion-mnist}, {@code mnist}: an IDX directory of that name, looked up in
 *       {@code --data-dir}, then {@code $DOWNHILL_DATA}, then {@code ../shared/data} (beside the
 *       Downhill checkout), then {@code /usr/share/datasets} (Debian's dataset packages);
 *   <li>{@code synthetic}: the built-in generated dataset ({@link Synthetic});
 *   <li>{@code idx:DIR}, {@code cifar10:DIR}: directories that bring their own test split;
 *   <li>{@code libsvm:FILE}, {@code parquet:PATH}, {@code csv:PATH}: any path Spark can read.
 * </ul>
 */
public record DataSpec(Kind kind, String path, String text) implements Serializable {

  public enum Kind { IDX, CIFAR10, LIBSVM, PARQUET, CSV, SYNTHETIC, DATAFRAME }

  /** Named datasets and the directory name they are stored under. */
  public static final List<String> NAMED = List.of("fashion-mnist", "mnist");

  /** An in-memory Spark DataFrame handed over by a program; {@code name} appears in messages. */
  public static DataSpec dataFrame(String name) {
    return new DataSpec(Kind.DATAFRAME, "", name);
  }

  /** Whether the directory form carries a test split of its own. */
  public boolean bringsTestSplit() {
    return kind == Kind.IDX || kind == Kind.CIFAR10 || kind == Kind.SYNTHETIC;
  }

  /** A short name for summaries: "fashion-mnist", "idx:/data/x", ... */
  @Override
  public String toString() {
    return text;
  }

  /** Parses a spec; named datasets are looked up in {@code searchDirs}, in order. */
  public static DataSpec parse(String text, List<Path> searchDirs) {
    if (text == null || text.isBlank()) {
      throw BadInputException.of("--data", "no data given",
          "fashion-mnist, mnist, synthetic, or idx:DIR, cifar10:DIR, libsvm:FILE, parquet:PATH, csv:PATH", "nothing");
    }
    String t = text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.equals("synthetic")) {
      return new DataSpec(Kind.SYNTHETIC, "", "synthetic");
    }
    if (NAMED.contains(lower)) {
      for (Path dir : searchDirs) {
        Path candidate = dir.resolve(lower);
        if (Files.isDirectory(candidate)) {
          return new DataSpec(Kind.IDX, candidate.toAbsolutePath().normalize().toString(), lower);
        }
      }
      List<String> places = new ArrayList<>();
      for (Path dir : searchDirs) {
        places.add(dir.resolve(lower).toString());
      }
      throw BadInputException.of("--data " + t, "dataset not found",
          "a directory of IDX files at one of " + places
              + (lower.equals("fashion-mnist") ? " (Debian: apt-get install dataset-fashion-mnist)" : ""),
          "none of them");
    }
    int colon = t.indexOf(':');
    if (colon > 0) {
      String prefix = t.substring(0, colon).toLowerCase(Locale.ROOT);
      String path = t.substring(colon + 1);
      Kind kind = switch (prefix) {
        case "idx" -> Kind.IDX;
        case "cifar10", "cifar" -> Kind.CIFAR10;
        case "libsvm" -> Kind.LIBSVM;
        case "parquet" -> Kind.PARQUET;
        case "csv" -> Kind.CSV;
        default -> null;
      };
      if (kind != null) {
        if (path.isBlank()) {
          throw BadInputException.of("--data " + t, "missing path after '" + prefix + ":'", "a path", "nothing");
        }
        return new DataSpec(kind, path, t);
      }
    }
    throw BadInputException.of("--data " + t, "unknown data spec",
        "fashion-mnist, mnist, synthetic, or idx:DIR, cifar10:DIR, libsvm:FILE, parquet:PATH, csv:PATH", "'" + t + "'");
  }

  /**
   * The search path for named datasets: {@code dataDir} (the flag, may be null), the
   * {@code DOWNHILL_DATA} environment variable, {@code ../shared/data} relative to the Downhill
   * home (the checkout, from the system property {@code downhill.home}) and to the working
   * directory, then {@code /usr/share/datasets}.
   */
  public static List<Path> searchDirs(String dataDir) {
    List<Path> dirs = new ArrayList<>();
    if (dataDir != null && !dataDir.isBlank()) {
      dirs.add(Path.of(dataDir));
    }
    String env = System.getenv("DOWNHILL_DATA");
    if (env != null && !env.isBlank()) {
      dirs.add(Path.of(env));
    }
    String home = System.getProperty("downhill.home");
    if (home != null && !home.isBlank()) {
      dirs.add(Path.of(home).toAbsolutePath().normalize().resolveSibling("shared").resolve("data"));
    }
    Path cwdShared = Path.of("..", "shared", "data").toAbsolutePath().normalize();
    if (!dirs.contains(cwdShared)) {
      dirs.add(cwdShared);
    }
    dirs.add(Path.of("/usr/share/datasets"));
    return dirs;
  }
}
