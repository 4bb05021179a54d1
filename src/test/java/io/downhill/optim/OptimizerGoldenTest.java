package io.downhill.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.downhill.model.ParameterLayout;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The first three steps of every update rule on f(θ) = ½(θ₀² + 4θ₁²) from θ = (1, -2) with
 * η = 0.05, against values computed by hand in src/test/resources/golden/optimizer_steps.py.
 */
class OptimizerGoldenTest {

  /** The golden problem's hyperparameters (the script's): μ 0.9, β₁ 0.9, β₂ 0.999, ε 1e-8, ρ 0.99, λ_wd 0.01. */
  static Optimizer rule(String name) {
    return new OptimizerConfig(name, 0.9, 0.9, 0.999, 1e-8, 0.99, 0.01).rule();
  }

  /** Both coordinates are one 1x2 weight matrix, so AdamW decays them. */
  static final ParameterLayout LAYOUT = layout();

  private static ParameterLayout layout() {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("W", 1, 2, ParameterLayout.Role.WEIGHT);
    return b.build();
  }

  private static final Map<String, double[][]> GOLDEN = Map.ofEntries(
      Map.entry("sgd", new double[][] {{0.95, -1.6}, {0.9025, -1.28}, {0.857375, -1.024}}),
      Map.entry("momentum", new double[][] {{0.95, -1.6}, {0.8574999999999999, -0.9199999999999999},
          {0.7313749999999999, -0.12399999999999967}}),
      Map.entry("nesterov", new double[][] {{0.905, -1.24}, {0.778525, -0.44479999999999986},
          {0.6314626249999999, 0.216704}}),
      Map.entry("adagrad", new double[][] {{0.9500000005, -1.9500000000625}, {0.9155625276444099, -1.9150949932866894},
          {0.8879107584007379, -1.886821665111054}}),
      Map.entry("rmsprop", new double[][] {{0.5000000499999953, -1.50000000625}, {0.2754934247034992, -1.1990353757552363},
          {0.1548437264564963, -0.981360937209695}}),
      Map.entry("adam", new double[][] {{0.9500000005, -1.9500000000625}, {0.9000832438159381, -1.900036997540136},
          {0.8503116971717056, -1.8501369221715958}}),
      Map.entry("adamw", new double[][] {{0.9495000005, -1.9490000000625}, {0.8991095174662549, -1.898063329704192},
          {0.8488912336595149, -1.8472164723634847}}),
      Map.entry("nadam", new double[][] {{0.9263157902105263, -1.9263157895657894},
          {0.8695607383864145, -1.8689847658918886}, {0.8171420943609928, -1.8157767358296302}}),
      // v only grows here, so amsgrad's steps are adam's: amsgradKeepsTheLargestSecondMoment tells them apart
      Map.entry("amsgrad", new double[][] {{0.9500000005, -1.9500000000625}, {0.9000832438159381, -1.900036997540136},
          {0.8503116971717056, -1.8501369221715958}}),
      Map.entry("adamax", new double[][] {{0.9500000005, -1.9500000000625}, {0.9012670575043727, -1.9006085033634983},
          {0.8538241188432049, -1.8518430461515683}}),
      Map.entry("adadelta", new double[][] {{0.999950000025, -1.9999500000003907},
          {0.9998998758262999, -1.999899875153503}, {0.9998496694064679, -1.9998496672503212}}));

  static double[] gradient(double[] theta) {
    return new double[] {theta[0], 4 * theta[1]};
  }

  @Test
  void firstThreeStepsOfEveryRuleMatchTheHandComputedValues() {
    assertEquals(Set.copyOf(OptimizerConfig.ruleNames()), GOLDEN.keySet(), "every registered rule has golden values");
    for (Map.Entry<String, double[][]> rule : GOLDEN.entrySet()) {
      Optimizer opt = rule(rule.getKey());
      assertEquals(rule.getKey(), opt.name());
      OptimizerState state = opt.newState(LAYOUT);
      double[] theta = {1.0, -2.0};
      for (int step = 0; step < 3; step++) {
        opt.stepInPlace(theta, gradient(theta), state, 0.05);
        assertArrayEquals(rule.getValue()[step], theta, 1e-12, rule.getKey() + " step " + (step + 1));
      }
    }
  }

  /**
   * AMSGrad against Adam where the gradient drops after the first step (a fixed sequence, the
   * script's DROP): v falls below its maximum, so the two differ, and the values pin PyTorch's
   * variant (maximum of the raw v, corrected by the current step's 1 - β₂ᵗ), not a maximum of v̂.
   */
  @Test
  void amsgradKeepsTheLargestSecondMoment() {
    double[][] grads = {{1.0, -2.0}, {0.01, 0.02}, {0.01, -0.02}};
    Map<String, double[][]> golden = Map.of(
        "amsgrad", new double[][] {{0.9500000005, -1.95000000025}, {0.9161417755064102, -1.9168859118353627},
            {0.8896629522697391, -1.8909820206039751}},
        "adam", new double[][] {{0.9500000005, -1.95000000025}, {0.9161265290132236, -1.9168710004297274},
            {0.8896238545636554, -1.8909437758642087}});
    for (Map.Entry<String, double[][]> rule : golden.entrySet()) {
      Optimizer opt = rule(rule.getKey());
      OptimizerState state = opt.newState(LAYOUT);
      double[] theta = {1.0, -2.0};
      for (int step = 0; step < 3; step++) {
        opt.stepInPlace(theta, grads[step].clone(), state, 0.05);
        assertArrayEquals(rule.getValue()[step], theta, 1e-12, rule.getKey() + " step " + (step + 1));
      }
    }
  }

  @Test
  void adamWDecaysWeightsButNotBiases() {
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("W", 1, 1, ParameterLayout.Role.WEIGHT);
    b.add("b", 1, 1, ParameterLayout.Role.BIAS);
    Optimizer adamw = rule("adamw");
    double[] theta = {1.0, 1.0};
    // zero gradient: only the decay moves θ
    adamw.stepInPlace(theta, new double[] {0.0, 0.0}, adamw.newState(b.build()), 0.1);
    assertArrayEquals(new double[] {1.0 - 0.1 * 0.01, 1.0}, theta, 1e-15);
  }
}
