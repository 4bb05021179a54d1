package io.downhill.train;

import io.downhill.shard.BatchPlan;
import io.downhill.shard.Evaluation;
import io.downhill.shard.Split;
import java.util.List;

/**
 * {@code random-search}: the lecture's bad idea. {@code --trials} random weight matrices (the
 * configured initialization, seeded per trial), one distributed loss pass each, keeping the one
 * with the lowest training objective. Each trial is recorded as a step; the whole search is one epoch.
 */
final class RandomSearch implements Driver {

  @Override
  public int stepsPerEpoch(TrainingConfig config, GradientSource source) {
    return config.trials();
  }

  @Override
  public TrainingResult train(Run run, double[] theta) {
    TrainingConfig config = run.config();
    double[] candidate = new double[theta.length];
    double best = Double.POSITIVE_INFINITY;
    Evaluation bestTrain = null;
    long start = System.nanoTime();
    for (int trial = 0; trial < config.trials(); trial++) {
      long t0 = System.nanoTime();
      run.initializeInPlace(candidate, BatchPlan.mix(config.seed(), trial, -1));
      Evaluation train = run.source().evaluate(candidate, Split.TRAIN); // one distributed loss pass per trial
      double loss = train.loss() + run.penalty(candidate);
      if (loss < best) {
        best = loss;
        bestTrain = train;
        System.arraycopy(candidate, 0, theta, 0, theta.length);
      }
      run.step(0, new Objective(loss, train.loss(), null, Double.NaN), 0.0, train.rows(), t0, 0L, List.of());
    }
    run.stop("trials");
    run.endEpoch(0, 0.0, start, theta, bestTrain);
    return run.finish(theta);
  }
}
