package io.downhill.train;

import io.downhill.shard.Evaluation;
import io.downhill.shard.GradientAccumulator;
import io.downhill.shard.LocalPlan;
import io.downhill.shard.LocalUpdate;
import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.shard.StepPlan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Early stopping, full-batch descent with line search, and random search, on small in-memory data. */
class TrainerDriversTest {
  private static final List<Shard> SHARDS = Fixtures.clusters(900, 6, 4, 2, 200, Precision.FLOAT64, 21);
  private static final List<Shard> VAL = Fixtures.clusters(300, 6, 4, 1, 200, Precision.FLOAT64, 22);

  private record Outcome(TrainingResult result, List<StepRecord> steps) {}

  private static Outcome train(TrainingConfig config, GradientSource source) {
    Model model = Model.of(config.model().spec(6, 4));
    double[] theta = new double[model.layout().size()];
    config.model().initializer().initialize(model.layout(), theta, config.seed());
    List<StepRecord> steps = new ArrayList<>();
    TrainingListener l = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        steps.add(s);
      }
    };
    return new Outcome(new Trainer(config, model, source, List.of(l)).fit(theta), steps);
  }

  private static LocalGradientSource local(TrainingConfig config) {
    Model model = Model.of(config.model().spec(6, 4));
    ShardComputer c = new ShardComputer(model, Losses.parse(config.loss()), 4, Precision.FLOAT64, config.seed());
    return new LocalGradientSource(c, SHARDS, Map.of(Split.TRAIN, SHARDS, Split.VALIDATION, VAL));
  }

  /** A source whose validation losses follow a script, and which remembers θ at each evaluation. */
  private static final class ScriptedValidation implements GradientSource {
    final LocalGradientSource inner;
    final double[] losses;
    final List<double[]> thetas = new ArrayList<>();

    ScriptedValidation(LocalGradientSource inner, double... losses) {
      this.inner = inner;
      this.losses = losses;
    }

    @Override
    public long trainRows() {
      return inner.trainRows();
    }

    @Override
    public int partitions() {
      return inner.partitions();
    }

    @Override
    public GradientAccumulator gradient(double[] theta, StepPlan plan) {
      return inner.gradient(theta, plan);
    }

    @Override
    public LocalUpdate localSteps(double[] theta, LocalPlan plan, double[] rates, io.downhill.loss.Regularizer reg) {
      return inner.localSteps(theta, plan, rates, reg);
    }

    @Override
    public Evaluation evaluate(double[] theta, Split split) {
      Evaluation e = inner.evaluate(theta, split);
      if (split == Split.VALIDATION) {
        thetas.add(theta.clone());
        Evaluation scripted = new Evaluation(4);
        scripted.addLoss(losses[thetas.size() - 1], 1.0);
        return scripted;
      }
      return e;
    }
  }

  @Test
  void earlyStoppingStopsAfterPatienceAndRestoresTheBestEpoch() {
    TrainingConfig config = TrainingConfig.builder().epochs(10).batchSize(64).earlyStopping("val_loss").patience(2)
        .build();
    ScriptedValidation source = new ScriptedValidation(local(config), 0.9, 0.7, 0.8, 0.75, 0.72, 0.5);
    TrainingResult r = train(config, source).result();
    assertEquals("early stopping", r.stopReason());
    assertEquals(4, r.epochs().size());    // best at epoch 2, then two epochs without improvement
    assertEquals(1, r.bestEpoch());
    assertArrayEquals(source.thetas.get(1), r.theta(), 0.0);
    assertEquals(0.7, r.best().validation().loss(), 0.0);
  }

  @Test
  void lineSearchDescentDecreasesEveryIterationAndConverges() {
    TrainingConfig config = TrainingConfig.builder().optimizer("gd").lineSearch("armijo").learningRate(10)
        .epochs(300).tol(1e-9).reg(1e-3).precision(Precision.FLOAT64).build();
    Outcome o = train(config, local(config));
    List<StepRecord> steps = o.steps();
    for (int i = 1; i < steps.size(); i++) {
      assertTrue(steps.get(i).loss() <= steps.get(i - 1).loss(), "Armijo: the objective never increases, step " + i);
    }
    assertEquals("converged", o.result().stopReason());
    assertTrue(steps.size() < 300, "stopped by the convergence test after " + steps.size() + " iterations");
    assertEquals(1, o.result().stepsPerEpoch()); // one full-batch iteration per epoch
    assertEquals(900, steps.get(0).rows());

    // Plain minibatch SGD, given many epochs, reaches the same objective value.
    TrainingConfig sgd = TrainingConfig.builder().learningRate(0.5).lrDecay(0.9).batchSize(32).epochs(40).reg(1e-3)
        .precision(Precision.FLOAT64).build();
    TrainingResult s = train(sgd, local(sgd)).result();
    double gdLoss = o.result().last().train().loss();
    double sgdLoss = s.last().train().loss();
    assertTrue(gdLoss <= sgdLoss * 1.02, "gd " + gdLoss + " vs sgd " + sgdLoss);
  }

  @Test
  void randomSearchKeepsTheTrialWithTheLowestTrainingLoss() {
    TrainingConfig config = TrainingConfig.builder().optimizer("random-search").trials(25).initScale(0.1).reg(0)
        .precision(Precision.FLOAT64).build();
    Outcome o = train(config, local(config));
    assertEquals(25, o.steps().size());
    double best = o.steps().stream().mapToDouble(StepRecord::loss).min().orElseThrow();
    assertEquals(best, o.result().best().train().loss(), 1e-12);
    assertEquals("trials", o.result().stopReason());
    // Better than chance on separable clusters, far from what descent reaches.
    assertTrue(o.result().best().train().accuracy() > 0.25, "accuracy " + o.result().best().train().accuracy());
  }
}
