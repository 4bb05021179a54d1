package io.downhill.train;

import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerTest {

  private static TrainingResult train(List<Shard> shards, String loss, TrainingConfig config, List<TrainingListener> l) {
    Model model = Model.of(config.model().spec(shards.get(0).cols(), 4));
    ShardComputer computer = new ShardComputer(model, Losses.parse(loss), 4, config.precision(), config.seed());
    double[] theta = new double[model.layout().size()];
    config.model().initializer().initialize(model.layout(), theta, config.seed());
    return new Trainer(config, model, new LocalGradientSource(computer, shards, Map.of(Split.TRAIN, shards)), l)
        .fit(theta);
  }

  @Test
  void softmaxAndSvmLearnSeparableClusters() {
    List<Shard> shards = Fixtures.clusters(2000, 8, 4, 2, 300, Precision.FLOAT32, 3);
    for (String loss : new String[] {"softmax", "svm"}) {
      TrainingConfig config = TrainingConfig.builder().loss(loss).learningRate(0.1).batchSize(64).epochs(3).build();
      TrainingResult r = train(shards, loss, config, List.of());
      assertTrue(r.last().train().accuracy() > 0.97, loss + ": " + r.last().train().accuracy());
      assertEquals(3 * 32, r.steps());
      assertEquals(2000, r.last().train().rows());
    }
  }

  @Test
  void theFirstLossIsLnKAtSmallWeights() {
    List<Shard> shards = Fixtures.clusters(400, 8, 4, 1, 400, Precision.FLOAT64, 3);
    List<StepRecord> steps = new ArrayList<>();
    TrainingListener l = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        steps.add(s);
      }
    };
    train(shards, "softmax", TrainingConfig.builder().reg(0).initScale(1e-4).epochs(1).precision(Precision.FLOAT64)
        .build(), List.of(l));
    assertEquals(Math.log(4), steps.get(0).loss(), 1e-3);
  }

  @Test
  void aLossThatBlowsUpStopsTrainingWithTheStep() {
    List<Shard> shards = Fixtures.clusters(1000, 8, 4, 2, 300, Precision.FLOAT32, 3);
    // With λ = 1e-4 and η = 1e6 every step multiplies W by (1 - 2ηλ) = -199: float32 overflows within steps.
    TrainingConfig config = TrainingConfig.builder().learningRate(1e6).reg(1e-4).batchSize(32).epochs(2).build();
    DivergedException e = assertThrows(DivergedException.class, () -> train(shards, "softmax", config, List.of()));
    assertTrue(e.step() > 0 && e.step() < 64, "step " + e.step());
    assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
    assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
  }

  @Test
  void resultsDoNotDependOnTheBlockSize() {
    TrainingConfig config = TrainingConfig.builder().learningRate(0.05).batchSize(50).epochs(2).build();
    double[] reference = null;
    for (int blockRows : new int[] {1, 7, 64, 10_000}) {
      List<Shard> shards = Fixtures.clusters(600, 5, 4, 3, blockRows, Precision.FLOAT32, 9);
      double[] theta = train(shards, "softmax", config, List.of()).theta();
      if (reference == null) {
        reference = theta;
      } else {
        assertArrayEquals(reference, theta, 0.0, "block rows " + blockRows); // the same rows reach the same GEMMs
      }
    }
  }
}
