package io.downhill.spark;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts the successful gradient tasks (jobs of group {@link SparkGradientSource#STEP_GROUP})
 * run by each executor, and the gradient jobs: evidence of which executors computed gradients,
 * and that a step is one job. Events arrive asynchronously on Spark's listener bus.
 */
public final class GradientTaskCounter extends SparkListener {
  private final Set<Integer> stepStages = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> tasksByExecutor = new ConcurrentHashMap<>();
  private volatile long jobs;

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    String group = jobStart.properties() == null ? null : jobStart.properties().getProperty("spark.jobGroup.id");
    if (SparkGradientSource.STEP_GROUP.equals(group)) {
      synchronized (this) {
        jobs++;
      }
      scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageIds()).forEach(id -> stepStages.add((Integer) id));
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (stepStages.contains(taskEnd.stageId()) && taskEnd.taskInfo().successful()) {
      tasksByExecutor.merge(taskEnd.taskInfo().executorId(), 1L, Long::sum);
    }
  }

  /** Successful gradient tasks per executor id, sorted by id. */
  public Map<String, Long> tasksByExecutor() {
    return new TreeMap<>(tasksByExecutor);
  }

  /** Gradient jobs started. */
  public long jobs() {
    return jobs;
  }
}
