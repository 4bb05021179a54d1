package io.downhill.shard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How an epoch is cut into minibatches, without scanning rows: each partition permutes its own
 * {@code n_p} rows once per epoch (seeded by seed, epoch and partition) and at step {@code s} of
 * {@code S} takes positions {@code [s·n_p/S, (s+1)·n_p/S)} of that permutation. Over an epoch
 * every row is taken exactly once; each step takes about {@code B·n_p/N} rows from partition p.
 */
public final class BatchPlan {
  private static final int CACHE_ENTRIES = 64;
  private static final Map<Key, int[]> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, int[]> eldest) {
      return size() > CACHE_ENTRIES;
    }
  };

  private record Key(long seed, int epoch, int partition, int rows) {}

  private BatchPlan() {}

  /** {@code S = ceil(N / B)}. */
  public static int stepsPerEpoch(long rows, int batchSize) {
    long steps = (rows + batchSize - 1) / batchSize;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, steps));
  }

  /** First position (inclusive) of step {@code step} in a partition of {@code rows} rows. */
  public static int start(int rows, int step, int steps) {
    return (int) ((long) step * rows / steps);
  }

  /**
   * The permutation of {@code 0..rows-1} for this epoch and partition (Fisher-Yates with a
   * seeded {@link SplittableRandom}). Cached per JVM: every step of an epoch reuses it.
   * Callers must not modify it.
   */
  public static int[] permutation(long seed, int epoch, int partition, int rows) {
    Key key = new Key(seed, epoch, partition, rows);
    synchronized (CACHE) {
      int[] cached = CACHE.get(key);
      if (cached != null) {
        return cached;
      }
    }
    int[] perm = new int[rows];
    for (int i = 0; i < rows; i++) {
      perm[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(mix(seed, epoch, partition));
    for (int i = rows - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    synchronized (CACHE) {
      CACHE.put(key, perm);
    }
    return perm;
  }

  /** A well-spread seed from (seed, epoch, partition): splitmix64's finalizer over their combination. */
  public static long mix(long seed, long a, long b) {
    return scramble(seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xC2B2AE3D27D4EB4FL * (b + 1));
  }

  /** splitmix64's finalizer: every bit of {@code z} spread over the result. */
  public static long scramble(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
