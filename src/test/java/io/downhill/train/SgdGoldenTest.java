package io.downhill.train;

import io.downhill.shard.ShardComputer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.downhill.data.BlockBuilder;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.loss.SoftmaxCrossEntropy;
import io.downhill.model.Model;
import io.downhill.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The first three SGD steps on a two-row problem, through the real Trainer and gradient source,
 * against values computed by hand (src/test/resources/golden/sgd_steps.py shows the arithmetic).
 */
class SgdGoldenTest {

  private static List<StepRecord> run(double lambda, double[] theta) {
    BlockBuilder b = new BlockBuilder(Precision.FLOAT64, 1, 16, false);
    b.addDense(new double[] {1.0}, 0, 1.0);
    b.addDense(new double[] {2.0}, 1, 1.0);
    List<Shard> shards = List.of(b.build());
    Model model = Model.of(ModelSpec.linear(1, 2));
    ShardComputer computer = new ShardComputer(model, new SoftmaxCrossEntropy(), 2, Precision.FLOAT64, 1L);
    TrainingConfig config = TrainingConfig.builder().learningRate(1.0).schedule("constant").batchSize(2).epochs(3).reg(lambda)
        .precision(Precision.FLOAT64).build();
    List<StepRecord> steps = new ArrayList<>();
    TrainingListener record = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        steps.add(s);
      }
    };
    new Trainer(config, model, new LocalGradientSource(computer, shards, Map.of()), List.of(record)).fit(theta);
    return steps;
  }

  @Test
  void threeStepsWithoutRegularization() {
    double[] theta = new double[4]; // W = [W0, W1], b = [b0, b1], all zero
    List<StepRecord> steps = run(0.0, theta);
    assertEquals(3, steps.size());
    assertEquals(Math.log(2), steps.get(0).loss(), 1e-15); // uniform probabilities at θ = 0
    assertEquals(0.643669335849165, steps.get(1).loss(), 1e-14);
    assertEquals(0.603637805921666, steps.get(2).loss(), 1e-14);
    assertArrayEquals(new double[] {-0.33285904014871337, 0.3328590401487133, 0.24305317767559942,
        -0.24305317767559947}, theta, 1e-14);
  }

  @Test
  void threeStepsWithL2OnWeightsOnly() {
    double[] theta = new double[4];
    List<StepRecord> steps = run(0.1, theta);
    assertEquals(0.656169335849165, steps.get(1).loss(), 1e-14);
    assertEquals(0.624148234458621, steps.get(2).loss(), 1e-14);
    // The bias path is the same as without regularization at step 2 (biases are never regularized).
    assertArrayEquals(new double[] {-0.31203932942729395, 0.31203932942729395, 0.20644338050159827,
        -0.20644338050159833}, theta, 1e-14);
  }
}
