package io.downhill.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.RDDInfo;

/**
 * The memory of cached RDD blocks as the block managers report it (Spark's own estimate, the
 * "Size in Memory" of the Storage tab), kept after the RDD is unpersisted: Spark ML's
 * LogisticRegression caches its training blocks during {@code fit} and drops them before
 * returning, so polling the storage status afterwards would see nothing.
 */
final class CacheWatch extends SparkListener {
  private final Map<Integer, String> names = new ConcurrentHashMap<>();
  /** Largest memory size seen per (rdd, partition) block. */
  private final Map<String, Long> blocks = new ConcurrentHashMap<>();

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    for (RDDInfo info : scala.jdk.javaapi.CollectionConverters.asJava(event.stageInfo().rddInfos())) {
      names.put(info.id(), info.name());
    }
  }

  @Override
  public void onBlockUpdated(SparkListenerBlockUpdated event) {
    BlockUpdatedInfo u = event.blockUpdatedInfo();
    if (u.blockId() instanceof RDDBlockId id && u.memSize() > 0) {
      blocks.merge(id.rddId() + ":" + id.splitIndex(), u.memSize(), Math::max);
    }
  }

  /** Bytes in memory of the RDD with this id (all its partitions). */
  long bytes(int rddId) {
    long total = 0;
    for (Map.Entry<String, Long> e : blocks.entrySet()) {
      if (e.getKey().startsWith(rddId + ":")) {
        total += e.getValue();
      }
    }
    return total;
  }

  /**
   * The largest in-memory size of one RDD whose name contains {@code part} (each fit caches its
   * own copy), and that RDD's name (or null).
   */
  Object[] bytesNamed(String part) {
    long largest = 0;
    String name = null;
    for (Map.Entry<Integer, String> e : names.entrySet()) {
      if (e.getValue() != null && e.getValue().contains(part) && bytes(e.getKey()) > largest) {
        largest = bytes(e.getKey());
        name = e.getValue();
      }
    }
    return new Object[] {largest, name};
  }

  /** Forgets everything seen so far. */
  void clear() {
    names.clear();
    blocks.clear();
  }
}
