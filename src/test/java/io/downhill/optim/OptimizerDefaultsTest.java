package io.downhill.optim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.train.TrainingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every update rule declares the learning rate it runs at when none is given, and the settings take it. */
class OptimizerDefaultsTest {

  @Test
  void everyRuleDeclaresItsOwnDefaultRateAndARunWithoutOneTakesIt() {
    for (String rule : OptimizerConfig.ruleNames()) {
      double rate = assertDoesNotThrow(() -> OptimizerConfig.defaultRate(rule), rule + " declares a default rate");
      assertTrue(rate > 0 && rate <= 1, rule + ": " + rate);
      assertEquals(rate, TrainingConfig.builder().optimizer(rule).build().learningRate(), rule);
    }
    assertEquals(0.1, OptimizerConfig.defaultRate("sgd"));
    // plain sgd takes twice the rate on a network (measured, docs/RESULTS.md); the others keep theirs
    assertEquals(0.2, OptimizerConfig.defaultRate("sgd", true));
    assertEquals(0.2, TrainingConfig.builder().modelType("mlp").build().learningRate());
    assertEquals(0.2, TrainingConfig.builder().hidden(List.of(64)).build().learningRate());
    assertEquals(0.1, TrainingConfig.builder().modelType("mlp").optimizer("momentum").build().learningRate());
    assertEquals(1e-3, TrainingConfig.builder().modelType("mlp").optimizer("adam").build().learningRate());
    assertEquals(1e-3, OptimizerConfig.defaultRate("adam"), "Kingma & Ba's, Keras's and PyTorch's");
    assertEquals(2e-3, OptimizerConfig.defaultRate("nadam"), "Keras's");
    assertEquals(1e-2, OptimizerConfig.defaultRate("adagrad"));
    // adadelta takes Zeiler's ρ and ε; the other rules the common ones, and a given value wins
    OptimizerConfig adadelta = TrainingConfig.builder().optimizer("adadelta").build().optimizer();
    assertEquals(List.of(0.95, 1e-6), List.of(adadelta.rho(), adadelta.eps()));
    OptimizerConfig rmsprop = TrainingConfig.builder().optimizer("rmsprop").build().optimizer();
    assertEquals(List.of(0.99, 1e-8), List.of(rmsprop.rho(), rmsprop.eps()));
    assertEquals(0.9, TrainingConfig.builder().optimizer("adadelta").rho(0.9).build().optimizer().rho());
    // the algorithms keep what they had: gd's line search starts at 0.1
    assertEquals(0.1, TrainingConfig.builder().optimizer("gd").build().learningRate());
    assertThrows(IllegalStateException.class, () -> OptimizerConfig.defaultRate("no-such-rule"));
  }
}
