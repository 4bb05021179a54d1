package io.downhill.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.downhill.data.Block;
import io.downhill.data.Shard;
import io.downhill.linalg.Buf;
import io.downhill.linalg.Precision;
import io.downhill.shard.Split;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Auto batch size and epochs: at least 2,000 steps in at least 10 epochs, small batches only on small data. */
class RunLengthTest {

  @Test
  void largeDataKeepsBatch256AndTenEpochsSmallDataGetsItsSteps() {
    // Fashion-MNIST's 54,036 training rows: 212 steps an epoch, 10 epochs are 2,120 steps
    assertEquals(256, RunLength.batch(54_036));
    assertEquals(10, RunLength.epochs(Algorithm.MINIBATCH, 54_036, 256));
    // 10,000 rows: still 256, but 40 steps an epoch need 50 epochs
    assertEquals(256, RunLength.batch(10_000));
    assertEquals(50, RunLength.epochs(Algorithm.MINIBATCH, 10_000, 256));
    // digits' 1,294 training rows: 40 rows a step, 33 steps an epoch, 61 epochs
    assertEquals(40, RunLength.batch(1_294));
    assertEquals(61, RunLength.epochs(Algorithm.MINIBATCH, 1_294, 40));
    // wine's 128: the smallest batch, 8 steps an epoch
    assertEquals(16, RunLength.batch(128));
    assertEquals(250, RunLength.epochs(Algorithm.MINIBATCH, 128, 16));
    // fewer rows than a batch: one step an epoch, and no more than 500 epochs
    assertEquals(16, RunLength.batch(5));
    assertEquals(500, RunLength.epochs(Algorithm.MINIBATCH, 5, 16));
    // full-batch descent keeps its ten iterations; random search takes no steps
    assertEquals(10, RunLength.epochs(Algorithm.GD, 128, 16));
    assertEquals(10, RunLength.epochs(Algorithm.RANDOM_SEARCH, 128, 16));
  }

  @Test
  void sizingFillsOnlyWhatIsAuto() {
    TrainingConfig given = TrainingConfig.builder().batchSize(64).epochs(3).build();
    assertSame(given, given.sizedFor(1_000));
    TrainingConfig auto = TrainingConfig.builder().build();
    assertEquals(0, auto.batchSize());
    assertEquals(0, auto.epochs());
    TrainingConfig sized = auto.sizedFor(1_294);
    assertEquals(40, sized.batchSize());
    assertEquals(61, sized.epochs());
    TrainingConfig batchGiven = TrainingConfig.builder().batchSize(100).build().sizedFor(1_294);
    assertEquals(100, batchGiven.batchSize());
    assertEquals(154, batchGiven.epochs(), "13 steps an epoch");
    assertEquals(7, TrainingConfig.builder().epochs(7).build().sizedFor(1_294).epochs());
  }

  @Test
  void theTrainerSizesAnAutoRunByItsRows() {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 600;
    int d = 5;
    double[] x = new double[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = rng.nextGaussian() + y[i];
      }
    }
    Shard data = new Shard(List.of(new Block(n, d, Buf.wrap(x), y, null)), n, d);
    TrainingConfig config = TrainingConfig.builder().learningRate(0.1).precision(Precision.FLOAT64).build();
    Fit fit = Fit.of(config, d, 2, "--model", null);
    TrainingResult r = fit.run(new LocalGradientSource(fit.computer(), List.of(data), Map.of(Split.TRAIN,
        List.of(data))), null, List.of());
    assertEquals(34, r.stepsPerEpoch(), "600 rows at 18 a step (600/32)");
    assertEquals(59, r.epochs().size(), "2,000 steps at 34 an epoch");
  }
}
