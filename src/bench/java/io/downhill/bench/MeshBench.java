package io.downhill.bench;

import io.downhill.collective.Mesh;
import io.downhill.collective.Part;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import java.io.PrintStream;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The all-reduce of {@link Mesh} on loopback: P members in this JVM sum float gradients of the
 * sizes of Downhill's Fashion-MNIST models (softmax 784·10+10 = 7,850 values; MLPs with 100 and 1,024
 * hidden units, 784·h+h+h·10+10 = 79,510 and 814,090), linked over TCP as members in different
 * processes are, then through memory as the tasks of one executor are. Prints each size's median
 * round both ways and the bytes and messages a member sends per round, measures the cost model of
 * {@link Mesh} over TCP, a round
 * = 2α + bytes·β (α from a round of 16 values, β over the models' sizes), and from α and β
 * predicts a step's exchange among 100 executors, on a 10 Gb/s network and at loopback's β. No Spark: {@code scripts/bench mesh}; the main
 * benchmark prints the same section.
 */
@Command(name = "mesh", mixinStandardHelpOptions = true,
    description = "Per-round time of the mesh all-reduce over loopback TCP and through memory, its latency and "
        + "per-byte cost, and a model of 100 executors on a 10 Gb/s network.")
public final class MeshBench implements Callable<Integer> {
  private static final int[] SIZES = {7_850, 79_510, 814_090};
  private static final String[] MODELS = {"softmax 784-10", "784-100-10", "784-1024-10"};
  /** A round this short is all latency: its two messages (one per phase) carry 16 values in all. */
  private static final int PROBE = 16;
  /** The scalars a training step sums beside its gradient: loss, weight and rows. */
  static final int STEP_SCALARS = 3;
  /** The executors of the written model, and a byte's time on a 10 Gb/s link (8 bits in 0.1 ns each). */
  private static final int MODEL_MEMBERS = 100;
  private static final double TEN_GBIT_BETA = 0.8e-9;

  @Option(names = "--members", defaultValue = "2", description = "Members P (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--rounds", defaultValue = "400", description = "Timed rounds per size (default: ${DEFAULT-VALUE})")
  int rounds;

  /**
   * What {@link #measure} saw: per model size {n, median seconds, bytes per round, messages per
   * round} as rank 0 saw them, the latency probe's row the same way, and α seconds per message, β
   * seconds per byte, all over loopback TCP; then the same rows with the members linked through
   * memory, as the tasks of one executor are.
   */
  record Costs(int members, int rounds, double[][] rows, double[] probe, double alpha, double beta,
      double[][] memory) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new MeshBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    print(measure(members, rounds), System.out);
    return 0;
  }

  /** Times {@code rounds} rounds of each of the models' sizes among {@code members} members on loopback. */
  static Costs measure(int members, int rounds) throws Exception {
    int[] sizes = Arrays.copyOf(SIZES, SIZES.length + 1);
    sizes[SIZES.length] = PROBE;
    double[][] measured = exchange(members, rounds, sizes, 2, false);
    double[][] rows = Arrays.copyOf(measured, SIZES.length);
    double[] probe = measured[SIZES.length];
    double alpha = probe[1] / 2;
    double[][] memory = exchange(members, rounds, sizes, 2, true);
    return new Costs(members, rounds, rows, probe, alpha, beta(rows, alpha), memory);
  }

  /** Frame bytes a member sends per round of a training step's sums of {@code n} floats among {@code members}. */
  static double stepBytes(int n, int members) throws Exception {
    return members < 2 ? 0 : exchange(members, 1, new int[] {n}, STEP_SCALARS, false)[0][2];
  }

  private static double[][] exchange(int members, int rounds, int[] sizes, int scalars, boolean inProcess)
      throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<Mesh> meshes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(members);
    try {
      for (int r = 0; r < members; r++) {
        meshes.add(Mesh.listen(loopback, r, members, secret, 1, Duration.ofSeconds(30), () -> false, inProcess));
      }
      List<String> addresses = meshes.stream().map(Mesh::address).toList();
      List<Future<double[][]>> futures = new ArrayList<>();
      for (int r = 0; r < members; r++) {
        Mesh mesh = meshes.get(r);
        int rank = r;
        futures.add(pool.submit(() -> {
          mesh.connect(addresses);
          return rounds(mesh, rank, rounds, sizes, scalars);
        }));
      }
      for (Future<double[][]> f : futures) {
        f.get();
      }
      return futures.get(0).get();
    } finally {
      pool.shutdownNow();
      meshes.forEach(Mesh::close);
    }
  }

  /** For each size: {n, median seconds, bytes per round, messages per round} as this member saw them. */
  private static double[][] rounds(Mesh mesh, int rank, int rounds, int[] sizes, int scalars) throws Exception {
    double[][] rows = new double[sizes.length][];
    long round = 0;
    for (int s = 0; s < sizes.length; s++) {
      int n = sizes[s];
      Buf vector = Buf.allocate(Precision.FLOAT32, n);
      SplittableRandom rng = new SplittableRandom(rank);
      for (int i = 0; i < n; i++) {
        vector.f[i] = (float) rng.nextGaussian();
      }
      double[] sums = new double[scalars];
      sums[0] = rank;
      Part part = new Part(vector, n, sums, rank);
      double[] into = new double[n]; // as a training step sums its gradient (SegmentTask)
      for (int warm = 0; warm < rounds / 4; warm++) {
        mesh.allReduce(round++, part, into);
      }
      long bytes = mesh.bytesSent();
      long messages = mesh.messagesSent();
      double[] seconds = new double[rounds];
      for (int t = 0; t < rounds; t++) {
        long start = System.nanoTime();
        mesh.allReduce(round++, part, into);
        seconds[t] = (System.nanoTime() - start) / 1e9;
      }
      Arrays.sort(seconds);
      rows[s] = new double[] {n, seconds[rounds / 2], (mesh.bytesSent() - bytes) / (double) rounds,
          (mesh.messagesSent() - messages) / (double) rounds};
    }
    return rows;
  }

  /**
   * β of a line through (bytes, median) with its intercept held at 2α, by least squares of the
   * relative residuals (weights 1/median², so that no one size outweighs the others).
   */
  private static double beta(double[][] rows, double alpha) {
    double num = 0;
    double den = 0;
    for (double[] row : rows) {
      double w = 1 / (row[1] * row[1]);
      num += w * row[2] * (row[1] - 2 * alpha);
      den += w * row[2] * row[2];
    }
    return num / den;
  }

  /** The measured rounds, the fit, and the model of 100 executors, in Markdown. */
  static void print(Costs c, PrintStream out) {
    out.printf(Locale.ROOT, "%n## The mesh all-reduce: measured on loopback, modelled for 100 executors%n%n"
        + "P = %d members in one JVM, float32 vectors, %d timed rounds per size (medians), linked over loopback "
        + "TCP (as members in different processes are) and through memory (as the tasks of one executor are).%n%n"
        + "| model | n | median round over TCP, µs | through memory, µs | TCP / memory | bytes sent per member "
        + "| messages per member |%n| --- | --- | --- | --- | --- | --- | --- |%n", c.members(), c.rounds());
    for (int s = 0; s < c.rows().length; s++) {
      double[] row = c.rows()[s];
      double memory = c.memory()[s][1];
      out.printf(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1fx | %,.0f | %.0f |%n", MODELS[s], (long) row[0],
          row[1] * 1e6, memory * 1e6, row[1] / memory, row[2], row[3]);
    }
    out.printf(Locale.ROOT, "%nA round = 2α + bytes·β: α = %.1f µs per message, half the median round of %d values "
            + "(%.1f µs, %,.0f bytes); β = %.3f ns per byte (%.2f GB/s on loopback), the line through the sizes above "
            + "with its intercept held at 2α.%n%n", c.alpha() * 1e6, PROBE, c.probe()[1] * 1e6, c.probe()[2],
        c.beta() * 1e9, 1 / c.beta() / 1e9);
    int p = MODEL_MEMBERS;
    out.printf(Locale.ROOT, "A step's exchange among P = %d executors, by Mesh's cost model 2α + (P-1)/P·n·(b+8)·β "
            + "(b = 4: float32 gradients in, double sums out), with the α above. The model takes a phase's %d sends "
            + "as concurrent; the last column charges every message its α one after another (2(P-1)α, a ring's "
            + "latency), a bound for a member whose %d frames per phase queue behind one another.%n%n"
            + "| model | n | bytes per member | at 10 Gb/s (β = 0.8 ns/byte), ms | at loopback's β (%.3f ns/byte), ms "
            + "| at 10 Gb/s, sends one after another, ms |%n| --- | --- | --- | --- | --- | --- |%n", p, p - 1, p - 1,
        c.beta() * 1e9);
    for (int s = 0; s < SIZES.length; s++) {
      double bytes = (p - 1.0) / p * SIZES[s] * (4 + 8);
      out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %.3f | %.3f | %.3f |%n", MODELS[s], SIZES[s], bytes,
          1e3 * (2 * c.alpha() + bytes * TEN_GBIT_BETA), 1e3 * (2 * c.alpha() + bytes * c.beta()),
          1e3 * (2 * (p - 1) * c.alpha() + bytes * TEN_GBIT_BETA));
    }
  }
}
