package io.downhill;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked on what the compiler made of it: the class dependencies of
 * {@code target/classes} as {@code jdeps} reads them from the bytecode (run in this JVM through
 * its {@link ToolProvider}), a nested class counted as its top-level class.
 *
 * <ul>
 *   <li>no cycle between classes (a class that uses another that uses it back, directly or
 *       through others; within a package too) and none between packages;
 *   <li>only {@code spark}, {@code ml} and {@code cli} use Spark (the benchmarks, in their own source
 *       set, too), so the maths runs and is tested without a SparkSession;
 *   <li>no source file of {@code src/main/java} over {@value #MAX_LINES} lines.
 * </ul>
 *
 * Each check names every offender in its message: the members of each cycle, each class that
 * uses Spark from elsewhere, each long file with its length. Runs alone in seconds:
 * {@code mvn -o -q test -Dtest=ArchitectureTest}.
 */
class ArchitectureTest {
  private static final int MAX_LINES = 400;
  private static final String ROOT = "io.downhill";
  private static final Set<String> SPARK_PACKAGES = Set.of(ROOT + ".spark", ROOT + ".ml", ROOT + ".cli");
  private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+\\S.*$");
  private static final Path HOME = Path.of(System.getProperty("downhill.home", "."));

  /** Top-level class -> the top-level classes and outside classes it uses (itself excluded). */
  private static Map<String, Set<String>> uses;

  @BeforeAll
  static void readTheBytecode() {
    Path classes = HOME.resolve("target/classes");
    assertTrue(Files.isDirectory(classes.resolve("io/downhill")), "no compiled classes at " + classes);
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new AssertionError("jdeps is not in this JDK (module jdk.jdeps)"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none",
        classes.toString());
    assertTrue(code == 0, "jdeps exited " + code + ": " + err);
    uses = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.matches() && m.group(1).startsWith(ROOT + ".")) {
        String from = topLevel(m.group(1));
        String to = topLevel(m.group(2));
        Set<String> targets = uses.computeIfAbsent(from, k -> new TreeSet<>());
        if (!to.equals(from)) {
          targets.add(to);
        }
      }
    }
    assertTrue(uses.size() > 50, "jdeps found only " + uses.size() + " classes: " + err);
  }

  @Test
  void noClassDependsOnItselfThroughOthers() {
    Map<String, Set<String>> graph = new TreeMap<>();
    uses.forEach((from, to) -> graph.put(from, ours(to)));
    List<Set<String>> cycles = cycles(graph);
    if (!cycles.isEmpty()) {
      fail(cycles.size() + " class cycle(s); in each, every class uses every other through the uses listed "
          + "(break one, e.g. by moving what both sides need into a class of its own):"
          + describe(cycles, graph, Map.of()));
    }
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    Map<String, Set<String>> graph = new TreeMap<>();
    Map<String, Set<String>> why = new TreeMap<>();
    uses.forEach((from, to) -> {
      String a = packageOf(from);
      graph.computeIfAbsent(a, k -> new TreeSet<>());
      for (String target : ours(to)) {
        String b = packageOf(target);
        if (!a.equals(b)) {
          graph.get(a).add(b);
          why.computeIfAbsent(a + " -> " + b, k -> new TreeSet<>()).add(shortName(from) + " -> " + shortName(target));
        }
      }
    });
    List<Set<String>> cycles = cycles(graph);
    if (!cycles.isEmpty()) {
      fail(cycles.size() + " package cycle(s), with the classes behind each use:" + describe(cycles, graph, why));
    }
  }

  /** Each cycle's members, then each use inside it (with {@code why} it exists, when known). */
  private static String describe(List<Set<String>> cycles, Map<String, Set<String>> graph,
      Map<String, Set<String>> why) {
    StringBuilder s = new StringBuilder();
    for (Set<String> cycle : cycles) {
      s.append("\n  ").append(cycle.size()).append(": ").append(String.join(", ", shortNames(cycle)));
      for (String a : cycle) {
        for (String b : graph.get(a)) {
          if (cycle.contains(b)) {
            s.append("\n    ").append(shortName(a)).append(" -> ").append(shortName(b));
            if (why.containsKey(a + " -> " + b)) {
              s.append(" (").append(String.join(", ", why.get(a + " -> " + b))).append(')');
            }
          }
        }
      }
    }
    return s.toString();
  }

  @Test
  void onlySparkMlAndCliUseSpark() {
    List<String> offenders = new ArrayList<>();
    uses.forEach((from, to) -> {
      if (!SPARK_PACKAGES.contains(packageOf(from))) {
        List<String> spark = to.stream().filter(c -> c.startsWith("org.apache.spark.")).toList();
        if (!spark.isEmpty()) {
          offenders.add(shortName(from) + " uses " + String.join(", ", spark));
        }
      }
    });
    if (!offenders.isEmpty()) {
      fail(offenders.size() + " class(es) outside spark, ml and cli use Spark:\n  " + String.join("\n  ", offenders));
    }
  }

  @Test
  void noMainSourceFileIsOverTheLimit() throws IOException {
    Path main = HOME.resolve("src/main/java");
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        long lines;
        try (Stream<String> s = Files.lines(file)) {
          lines = s.count();
        }
        if (lines > MAX_LINES) {
          offenders.add(main.relativize(file) + ": " + lines + " lines");
        }
      }
    }
    if (!offenders.isEmpty()) {
      fail(offenders.size() + " source file(s) over " + MAX_LINES + " lines (split by responsibility):\n  "
          + String.join("\n  ", offenders));
    }
  }

  /** The classes of this code base among {@code classes}. */
  private static Set<String> ours(Set<String> classes) {
    Set<String> out = new TreeSet<>();
    for (String c : classes) {
      if (c.startsWith(ROOT + ".")) {
        out.add(c);
      }
    }
    return out;
  }

  private static String topLevel(String className) {
    int dollar = className.indexOf('$');
    return dollar < 0 ? className : className.substring(0, dollar);
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  /** The name without {@code io.downhill.}. */
  private static String shortName(String name) {
    return name.startsWith(ROOT + ".") ? name.substring(ROOT.length() + 1) : name;
  }

  private static List<String> shortNames(Set<String> names) {
    return names.stream().map(ArchitectureTest::shortName).toList();
  }

  /** The strongly connected components of more than one node (Tarjan), each sorted, in name order. */
  private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String node : graph.keySet()) {
      if (!index.containsKey(node)) {
        connect(node, graph, index, low, stack, onStack, counter, out);
      }
    }
    out.sort((a, b) -> a.iterator().next().compareTo(b.iterator().next()));
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, int[] counter, List<Set<String>> out) {
    index.put(v, counter[0]);
    low.put(v, counter[0]);
    counter[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, counter, out);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }
}
