package io.downhill.collective;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** In-process mesh members on 127.0.0.1, each on a thread of its own, as the tests run them. */
final class Members {
  static final String SECRET_TEXT = "test-secret-7f3a9c21e5d04b68";
  static final byte[] SECRET = SECRET_TEXT.getBytes(StandardCharsets.US_ASCII);
  static final long SESSION = 42;

  /** What one member does once connected: its result, or an exception. */
  @FunctionalInterface
  interface Body<T> {
    T run(int rank, Mesh mesh) throws Exception;
  }

  /** The outcome of one member: its result or what it threw. */
  record Outcome<T>(T result, Throwable error) {}

  private Members() {}

  static InetAddress loopback() {
    try {
      return InetAddress.getByName("127.0.0.1");
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static Mesh listen(int rank, int size, Duration timeout) throws Exception {
    return Mesh.listen(loopback(), rank, size, SECRET, SESSION, timeout, () -> false);
  }

  /** Runs {@code body} on P connected members (listen, connect, body, close); returns each outcome. */
  static <T> List<Outcome<T>> run(List<Mesh> meshes, Body<T> body) throws Exception {
    List<String> addresses = meshes.stream().map(Mesh::address).toList();
    return run(meshes, rank -> addresses, body);
  }

  /** {@link #run} with rank r's connect handed the roll {@code rolls.apply(r)}. */
  static <T> List<Outcome<T>> run(List<Mesh> meshes, java.util.function.IntFunction<List<String>> rolls, Body<T> body)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(meshes.size());
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int r = 0; r < meshes.size(); r++) {
        int rank = r;
        Mesh mesh = meshes.get(r);
        futures.add(pool.submit((Callable<T>) () -> {
          try (mesh) {
            mesh.connect(rolls.apply(rank));
            return body.run(rank, mesh);
          }
        }));
      }
      List<Outcome<T>> outcomes = new ArrayList<>();
      for (Future<T> future : futures) {
        try {
          outcomes.add(new Outcome<>(future.get(60, TimeUnit.SECONDS), null));
        } catch (ExecutionException e) {
          outcomes.add(new Outcome<>(null, e.getCause()));
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
      meshes.forEach(Mesh::close);
    }
  }

  /**
   * Runs rank 0 of a group of two on a thread of its own ({@code body} after connect), for a test
   * that plays rank 1 by hand ({@link RawPeer}); the mesh is closed when the body ends.
   */
  static <T> Future<T> alone(Mesh mesh, ExecutorService pool, Body<T> body) {
    List<String> addresses = List.of(mesh.address(), "127.0.0.1:1");
    return pool.submit(() -> {
      try (mesh) {
        mesh.connect(addresses);
        return body.run(0, mesh);
      }
    });
  }

  /** What a member's future threw, or a failure if it did not throw within 30 s. */
  static Throwable error(Future<?> future) throws Exception {
    try {
      Object result = future.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, found " + result);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** P members with the shared secret and session. */
  static List<Mesh> group(int size, Duration timeout) throws Exception {
    List<Mesh> meshes = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      meshes.add(listen(r, size, timeout));
    }
    return meshes;
  }

  /** P members with the shared secret and session; those in {@code inProcess} link through memory. */
  static List<Mesh> group(int size, Duration timeout, java.util.function.IntPredicate inProcess) throws Exception {
    List<Mesh> meshes = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      meshes.add(Mesh.listen(loopback(), r, size, SECRET, SESSION, timeout, () -> false, inProcess.test(r)));
    }
    return meshes;
  }

  /** Each member's result; fails with the first member's error. */
  static <T> List<T> results(List<Outcome<T>> outcomes) {
    List<T> results = new ArrayList<>();
    for (Outcome<T> o : outcomes) {
      if (o.error() != null) {
        throw new AssertionError("a member failed: " + o.error(), o.error());
      }
      results.add(o.result());
    }
    return results;
  }
}
