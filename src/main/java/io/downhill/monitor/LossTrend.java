package io.downhill.monitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss at the start and at the end of the run, as {@link Diagnosis} judges the learning rate.
 *
 * @param start       mean loss of the first steps (the first tenth, at least 1 and at most 10)
 * @param end         mean loss of the end window
 * @param nonFinite   the first step whose loss was NaN or infinite, or 0
 * @param epochMeans  the mean step loss of each epoch, in order
 */
record LossTrend(double start, double end, int nonFinite, double[] epochMeans) {
  static LossTrend of(RunFiles run) {
    List<RunFiles.Step> steps = run.steps();
    int nonFinite = 0;
    for (RunFiles.Step s : steps) {
      if (!Double.isFinite(s.loss())) {
        nonFinite = s.step();
        break;
      }
    }
    int n = steps.size();
    int first = Math.max(1, Math.min(10, n / 10));
    double start = mean(steps.subList(0, Math.min(first, n)));
    double end = mean(endWindow(steps));
    Map<Integer, List<RunFiles.Step>> byEpoch = new LinkedHashMap<>();
    for (RunFiles.Step s : steps) {
      byEpoch.computeIfAbsent(s.epoch(), e -> new ArrayList<>()).add(s);
    }
    double[] epochMeans = byEpoch.values().stream().mapToDouble(LossTrend::mean).toArray();
    return new LossTrend(start, end, nonFinite, epochMeans);
  }

  /** The relative fall of the loss, (start - end) / start. */
  double drop() {
    return (start - end) / Math.abs(start);
  }

  /** The last epoch's steps, or the last quarter of a single epoch's. */
  static List<RunFiles.Step> endWindow(List<RunFiles.Step> steps) {
    if (steps.isEmpty()) {
      return steps;
    }
    int lastEpoch = steps.get(steps.size() - 1).epoch();
    int from = steps.size();
    while (from > 0 && steps.get(from - 1).epoch() == lastEpoch) {
      from--;
    }
    if (from == 0) {
      from = steps.size() - Math.max(1, steps.size() / 4);
    }
    return steps.subList(from, steps.size());
  }

  private static double mean(List<RunFiles.Step> steps) {
    double sum = 0;
    int n = 0;
    for (RunFiles.Step s : steps) {
      if (Double.isFinite(s.loss())) {
        sum += s.loss();
        n++;
      }
    }
    return n > 0 ? sum / n : Double.NaN;
  }
}
