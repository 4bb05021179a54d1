package io.downhill.train;

import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --local-steps K: what it must equal, and what it may change. */
class LocalStepsTest {

  private record Run(TrainingResult result, List<StepRecord> steps) {}

  private static Run train(List<Shard> shards, TrainingConfig config) {
    Model model = Model.of(config.model().spec(shards.get(0).cols(), 4));
    ShardComputer c = new ShardComputer(model, Losses.parse(config.loss()), 4, config.precision(), config.seed());
    double[] theta = new double[model.layout().size()];
    config.model().initializer().initialize(model.layout(), theta, config.seed());
    List<StepRecord> steps = new ArrayList<>();
    TrainingListener l = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        steps.add(s);
      }
    };
    TrainingResult r = new Trainer(config, model, new LocalGradientSource(c, shards, Map.of(Split.TRAIN, shards)),
        List.of(l)).fit(theta);
    return new Run(r, steps);
  }

  private static TrainingConfig.Builder base() {
    return TrainingConfig.builder().learningRate(0.2).lrDecay(0.7).batchSize(40).epochs(3).reg(1e-3)
        .precision(Precision.FLOAT64);
  }

  @Test
  void onOnePartitionLocalStepsAreSequentialSgd() {
    List<Shard> one = Fixtures.clusters(500, 6, 4, 1, 128, Precision.FLOAT64, 3);
    Run sync = train(one, base().build());
    Run local = train(one, base().localSteps(5).build());
    assertArrayEquals(sync.result().theta(), local.result().theta(), 1e-12);
    assertEquals(sync.steps().size(), local.steps().size(), "a step record per minibatch step");
    for (int i = 0; i < sync.steps().size(); i++) {
      assertEquals(sync.steps().get(i).lr(), local.steps().get(i).lr(), 1e-15, "the schedule runs per step");
      assertEquals(sync.steps().get(i).dataLoss(), local.steps().get(i).dataLoss(), 1e-12);
    }
  }

  @Test
  void onSeveralPartitionsTheyAverageAndStillLearn() {
    List<Shard> four = Fixtures.clusters(2000, 6, 4, 4, 128, Precision.FLOAT32, 5);
    Run sync = train(four, base().precision(Precision.FLOAT32).build());
    Run local = train(four, base().precision(Precision.FLOAT32).localSteps(8).build());
    double syncAcc = sync.result().last().train().accuracy();
    double localAcc = local.result().last().train().accuracy();
    assertTrue(localAcc > 0.95 && Math.abs(syncAcc - localAcc) < 0.02, "sync " + syncAcc + ", local " + localAcc);
    // Averaging is not the same algorithm: the weights differ, though both fit the data.
    double diff = 0;
    for (int i = 0; i < sync.result().theta().length; i++) {
      diff = Math.max(diff, Math.abs(sync.result().theta()[i] - local.result().theta()[i]));
    }
    assertTrue(diff > 1e-6, "local SGD is not synchronous SGD");
  }

  @Test
  void adamTakesTheAveragedMoveAsItsGradient() {
    List<Shard> two = Fixtures.clusters(1000, 6, 4, 2, 128, Precision.FLOAT32, 9);
    Run adam = train(two, base().optimizer("adam").learningRate(0.01).precision(Precision.FLOAT32).localSteps(4).build());
    assertTrue(adam.result().last().train().accuracy() > 0.95, "accuracy " + adam.result().last().train().accuracy());
  }

  @Test
  void localStepsNeedMinibatchOptimizers() {
    assertThrows(BadInputException.class, () -> base().optimizer("gd").localSteps(2).build());
    assertThrows(BadInputException.class, () -> base().localSteps(0).build());
  }
}
