package io.downhill.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.downhill.BadInputException;
import io.downhill.model.ParameterLayout;
import io.downhill.optim.schedule.Schedule;
import io.downhill.optim.schedule.Schedules;
import io.downhill.train.TrainingConfig;
import org.junit.jupiter.api.Test;

class ScheduleAndConstraintTest {

  private static Schedule schedule(String kind, double warmup) {
    return new Schedules.Config(kind, 0.2, 0.5, 2, 0.3, 0.02, warmup).create(10, 100);
  }

  @Test
  void everyScheduleFollowsItsFormula() {
    assertEquals(0.2, schedule("constant", 0).rate(7.3), 1e-15);
    assertEquals(0.2, schedule("step", 0).rate(1.99), 1e-15);
    assertEquals(0.1, schedule("step", 0).rate(2.0), 1e-15);       // ×0.5 every 2 epochs
    assertEquals(0.025, schedule("step", 0).rate(7.0), 1e-15);
    assertEquals(0.2 * Math.exp(-0.3 * 2.5), schedule("exponential", 0).rate(2.5), 1e-15);
    assertEquals(0.2 / (1 + 0.3 * 4), schedule("inverse", 0).rate(4), 1e-15);
    assertEquals(0.2, schedule("cosine", 0).rate(0), 1e-15);
    assertEquals(0.02 + 0.5 * 0.18, schedule("cosine", 0).rate(5), 1e-15);
    assertEquals(0.02, schedule("cosine", 0).rate(10), 1e-15);
    // per step: t = step / S
    assertEquals(0.1, schedule("step", 0).rateAt(200, 100), 1e-15);
  }

  @Test
  void warmUpRisesLinearlyFromTheFirstStep() {
    Schedule s = schedule("constant", 2);
    assertEquals(0.2 * (0.01 / 2), s.rateAt(0, 100), 1e-15); // the first step is 1/(w·S) of the rate
    assertEquals(0.2 * (1.01 / 2), s.rateAt(100, 100), 1e-15);
    assertEquals(0.2, s.rateAt(199, 100), 1e-15);
    assertEquals(0.2, s.rateAt(500, 100), 1e-15);
  }

  @Test
  void nonsenseSettingsAreRejected() {
    // validated once, by the settings schema, however the config is built
    assertThrows(BadInputException.class, () -> TrainingConfig.builder().schedule("linear").build());
    assertThrows(BadInputException.class, () -> TrainingConfig.builder().lrDecay(1.5).build());
    assertThrows(BadInputException.class, () -> TrainingConfig.builder().schedule("cosine").lrMin(0.2).build());
    assertThrows(BadInputException.class, () -> TrainingConfig.builder().lrStep(0).build());
    assertThrows(BadInputException.class, () -> TrainingConfig.builder().optimizer("lbfgs").build());
    assertThrows(BadInputException.class, () -> TrainingConfig.builder().optimizer("adam").beta1(1.0).build());
    TrainingConfig fine = TrainingConfig.builder().optimizer("adam").build();
    assertThrows(BadInputException.class, () -> new TrainingConfig(fine.model(),
        new OptimizerConfig("adam", 0.9, 1.0, 0.999, 1e-8, 0.99, 0), fine.schedule(), fine.regularizer(),
        fine.maxNorm(), fine.batchSize(), fine.epochs(), fine.seed(), fine.precision(), fine.earlyStopping(),
        fine.lineSearch(), fine.trials(), fine.localSteps(), fine.abortFactor()));
  }

  @Test
  void maxNormRescalesOnlyTheColumnsAboveTheLimit() {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("W", 2, 2, ParameterLayout.Role.WEIGHT);  // columns (3, 4) with norm 5 and (0.3, 0.4) with norm 0.5
    b.add("b", 1, 2, ParameterLayout.Role.BIAS);
    double[] theta = {3, 0.3, 4, 0.4, 10, 10};
    assertEquals(1, new MaxNorm(1.0).projectInPlace(theta, b.build()));
    assertArrayEquals(new double[] {0.6, 0.3, 0.8, 0.4, 10, 10}, theta, 1e-15);
  }
}
