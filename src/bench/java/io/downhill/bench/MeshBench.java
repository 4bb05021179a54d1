package io.downhill.bench;

import io.downhill.collective.Mesh;
import io.downhill.collective.Part;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
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
 * hidden units, 784·h+h+h·10+10 = 79,510 and 814,090). Prints each size's median round and the
 * bytes and messages a member sends per round, then fits the cost model of {@link Mesh}, a round
 * = 2α + bytes·β, over the sizes. No Spark:
 * {@code java -cp target/classes:target/test-classes:PICOCLI_JAR io.downhill.bench.MeshBench --members 2}.
 */
@Command(name = "mesh", mixinStandardHelpOptions = true,
    description = "Per-round time of the mesh all-reduce on loopback, and its latency and per-byte cost.")
public final class MeshBench implements Callable<Integer> {
  private static final int[] SIZES = {7_850, 79_510, 814_090};

  @Option(names = "--members", defaultValue = "2", description = "Members P (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--rounds", defaultValue = "400", description = "Timed rounds per size (default: ${DEFAULT-VALUE})")
  int rounds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new MeshBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<Mesh> meshes = new ArrayList<>();
    for (int r = 0; r < members; r++) {
      meshes.add(Mesh.listen(loopback, r, members, secret, 1, Duration.ofSeconds(30), () -> false));
    }
    List<String> addresses = meshes.stream().map(Mesh::address).toList();
    ExecutorService pool = Executors.newFixedThreadPool(members);
    try {
      List<Future<double[][]>> futures = new ArrayList<>();
      for (int r = 0; r < members; r++) {
        Mesh mesh = meshes.get(r);
        int rank = r;
        futures.add(pool.submit(() -> {
          mesh.connect(addresses);
          return measure(mesh, rank);
        }));
      }
      double[][] rank0 = futures.get(0).get();
      for (Future<double[][]> f : futures) {
        f.get();
      }
      report(rank0);
    } finally {
      pool.shutdownNow();
      meshes.forEach(Mesh::close);
    }
    return 0;
  }

  /** For each size: {n, median seconds, bytes per round, messages per round} as this member saw them. */
  private double[][] measure(Mesh mesh, int rank) throws Exception {
    double[][] rows = new double[SIZES.length][];
    long round = 0;
    for (int s = 0; s < SIZES.length; s++) {
      int n = SIZES[s];
      Buf vector = Buf.allocate(Precision.FLOAT32, n);
      SplittableRandom rng = new SplittableRandom(rank);
      for (int i = 0; i < n; i++) {
        vector.f[i] = (float) rng.nextGaussian();
      }
      Part part = new Part(vector, n, new double[] {rank, 1}, rank);
      for (int warm = 0; warm < rounds / 4; warm++) {
        mesh.allReduce(round++, part);
      }
      long bytes = mesh.bytesSent();
      long messages = mesh.messagesSent();
      double[] seconds = new double[rounds];
      for (int t = 0; t < rounds; t++) {
        long start = System.nanoTime();
        mesh.allReduce(round++, part);
        seconds[t] = (System.nanoTime() - start) / 1e9;
      }
      Arrays.sort(seconds);
      rows[s] = new double[] {n, seconds[rounds / 2], (mesh.bytesSent() - bytes) / (double) rounds,
          (mesh.messagesSent() - messages) / (double) rounds};
    }
    return rows;
  }

  /**
   * The table, then a line through (bytes, median) by least squares of the relative residuals
   * (weights 1/median², so that the small sizes set the intercept 2α and the large ones the slope β).
   */
  private void report(double[][] rows) {
    System.out.printf(Locale.ROOT, "mesh all-reduce on loopback, P = %d, float parts, %d rounds each%n",
        members, rounds);
    System.out.printf(Locale.ROOT, "%10s %12s %16s %14s%n", "n", "median µs", "bytes/member", "messages/member");
    double sw = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (double[] row : rows) {
      System.out.printf(Locale.ROOT, "%,10d %12.1f %,16.0f %14.0f%n", (long) row[0], row[1] * 1e6, row[2], row[3]);
      double w = 1 / (row[1] * row[1]);
      sw += w;
      sx += w * row[2];
      sy += w * row[1];
      sxx += w * row[2] * row[2];
      sxy += w * row[2] * row[1];
    }
    double beta = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
    double alpha = (sy - beta * sx) / sw / 2;
    System.out.printf(Locale.ROOT, "fit: round = 2α + bytes·β with α = %.1f µs per message, β = %.3f ns per byte "
        + "(%.2f GB/s)%n", alpha * 1e6, beta * 1e9, 1 / beta / 1e9);
  }
}
