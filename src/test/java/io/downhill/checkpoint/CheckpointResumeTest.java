package io.downhill.checkpoint;

import io.downhill.shard.ShardComputer;
import io.downhill.shard.Split;
import io.downhill.train.Fixtures;
import io.downhill.train.GradientSource;
import io.downhill.train.LocalGradientSource;
import io.downhill.train.StepRecord;
import io.downhill.train.Trainer;
import io.downhill.train.TrainerState;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingListener;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.loss.Losses;
import io.downhill.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run interrupted (an exception after some step, as a killed driver) and resumed from its
 * newest checkpoint ends with exactly the weights of the uninterrupted run: bit for bit, for SGD
 * and Adam, linear and MLP (with dropout, whose masks depend on the global step; with batch
 * normalization, whose running statistics live in θ), checkpoints by
 * steps or epochs, mid-epoch or at an epoch's end.
 */
class CheckpointResumeTest {
  private static final List<Shard> SHARDS = Fixtures.clusters(600, 6, 4, 3, 64, Precision.FLOAT32, 31);
  private static final List<Shard> VAL = Fixtures.clusters(200, 6, 4, 1, 200, Precision.FLOAT32, 32);

  static Stream<Arguments> runs() {
    TrainingConfig.Builder linear = TrainingConfig.builder().loss("softmax").batchSize(32).epochs(4).learningRate(0.05)
        .precision(Precision.FLOAT32).seed(5);
    TrainingConfig.Builder mlp = TrainingConfig.builder().loss("softmax").hidden(List.of(16, 8)).dropout(0.2)
        .batchSize(32).epochs(4).learningRate(0.05).precision(Precision.FLOAT32).seed(6);
    return Stream.of(
        Arguments.of("linear sgd, every 7 steps", linear.optimizer("sgd").build(), "7", 45),
        Arguments.of("linear adam, every 7 steps", linear.optimizer("adam").learningRate(0.01).build(), "7steps", 45),
        Arguments.of("mlp sgd with dropout, every epoch", mlp.optimizer("sgd").build(), "1epoch", 61),
        Arguments.of("mlp adam with dropout, every 10 steps", mlp.optimizer("adam").learningRate(0.005).build(), "10", 33),
        Arguments.of("mlp momentum, local steps 3, every 6 steps",
            mlp.optimizer("momentum").localSteps(3).learningRate(0.02).build(), "6", 40),
        // the running statistics are STATE slices of θ: the checkpoint carries them, and the resumed run's
        // later steps shift their sums by them
        Arguments.of("mlp adam with batch norm after the activation, every 10 steps",
            mlp.optimizer("adam").batchNorm("after").localSteps(1).learningRate(0.005).build(), "10", 33),
        Arguments.of("mlp sgd with batch norm before the activation, every epoch",
            mlp.optimizer("sgd").batchNorm("before").dropout(0.0).build(), "1epoch", 61),
        Arguments.of("linear adamw, early stopping, every epoch",
            linear.optimizer("adamw").earlyStopping("val_loss").patience(5).localSteps(1).build(), "1epoch", 70));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void interruptedAndResumedEqualsUninterrupted(String name, TrainingConfig config, String every, int crashAfter,
      @TempDir Path dir) {
    double[] uninterrupted = fit(config, null, null, -1);

    CheckpointStore store = CheckpointStore.local(dir, 2);
    Checkpointing c = Checkpointing.of(store, every, config.toString(), List::of);
    Crash crash = assertThrows(Crash.class, () -> fit(config, c, null, crashAfter));
    assertEquals(crashAfter, crash.step);

    CheckpointStore.Loaded loaded = store.latest().orElseThrow();
    assertTrue(loaded.skipped().isEmpty(), loaded.skipped().toString());
    assertTrue(loaded.state().global() <= crashAfter && loaded.state().global() > 0, "resumes from step "
        + loaded.state().global() + " of a run stopped after " + crashAfter);
    double[] resumed = fit(config, c, loaded.state(), -1);
    assertArrayEquals(uninterrupted, resumed, 0.0, name + ": resumed from " + loaded.name());
  }

  @Test
  void aCorruptOrPartialCheckpointIsSkippedForTheOneBefore(@TempDir Path dir) throws IOException {
    TrainingConfig config = TrainingConfig.builder().loss("softmax").hidden(List.of(16)).optimizer("adam")
        .learningRate(0.01).batchSize(32).epochs(3).precision(Precision.FLOAT32).seed(8).build();
    double[] uninterrupted = fit(config, null, null, -1);
    CheckpointStore store = CheckpointStore.local(dir, 3);
    Checkpointing c = Checkpointing.of(store, "10", config.toString(), List::of);
    assertThrows(Crash.class, () -> fit(config, c, null, 35));

    List<Path> kept = checkpoints(dir);
    assertEquals(List.of("checkpoint-000000000010", "checkpoint-000000000020", "checkpoint-000000000030"),
        kept.stream().map(p -> p.getFileName().toString()).toList(), "the last 3 are kept");
    // The newest loses half its arrays (a torn write); a crash mid-save leaves a _tmp directory.
    Path arrays = kept.get(2).resolve(CheckpointStore.ARRAYS);
    byte[] bytes = Files.readAllBytes(arrays);
    Files.delete(arrays);
    Files.deleteIfExists(kept.get(2).resolve("." + CheckpointStore.ARRAYS + ".crc")); // Hadoop's local checksum file
    Files.write(arrays, Arrays.copyOf(bytes, bytes.length / 2));
    Files.createDirectories(dir.resolve("_tmp-checkpoint-000000000040-deadbeef"));

    CheckpointStore.Loaded loaded = store.latest().orElseThrow();
    assertEquals("checkpoint-000000000020", loaded.name());
    assertEquals(1, loaded.skipped().size(), loaded.skipped().toString());
    assertTrue(loaded.skipped().get(0).contains("checkpoint-000000000030") && loaded.skipped().get(0).contains("corrupt"),
        loaded.skipped().get(0));

    // a state.json cut short: skipped too
    Files.delete(kept.get(1).resolve(CheckpointStore.STATE));
    Files.deleteIfExists(kept.get(1).resolve("." + CheckpointStore.STATE + ".crc"));
    Files.writeString(kept.get(1).resolve(CheckpointStore.STATE), "{\"format\": ");
    assertEquals("checkpoint-000000000010", store.latest().orElseThrow().name());

    assertArrayEquals(uninterrupted, fit(config, c, loaded.state(), -1), 0.0, "resumed from checkpoint 20");
  }

  @Test
  void brokenCheckpointsAboveTheRunDoNotPushOutItsFreshOnes(@TempDir Path dir) throws IOException {
    TrainingConfig config = TrainingConfig.builder().loss("softmax").optimizer("sgd").batchSize(32).epochs(2)
        .precision(Precision.FLOAT32).build();
    for (String name : List.of("checkpoint-000000000500", "checkpoint-000000001000")) {
      Files.writeString(Files.createDirectories(dir.resolve(name)).resolve(CheckpointStore.STATE), "garbage");
    }
    CheckpointStore store = CheckpointStore.local(dir, 2);
    CheckpointStore.Loaded none = store.latest().orElseThrow();
    assertNull(none.state(), "nothing readable");
    assertEquals(2, none.skipped().size(), none.skipped().toString());
    assertThrows(Crash.class, () -> fit(config, Checkpointing.of(store, "10", config.toString(), List::of), null, 35));
    assertEquals(List.of("checkpoint-000000000020", "checkpoint-000000000030"),
        checkpoints(dir).stream().map(p -> p.getFileName().toString()).toList());
    assertEquals("checkpoint-000000000030", store.latest().orElseThrow().name());
  }

  @Test
  void aCheckpointOfOtherSettingsIsRefused(@TempDir Path dir) {
    TrainingConfig config = TrainingConfig.builder().loss("softmax").optimizer("sgd").batchSize(32).epochs(2)
        .precision(Precision.FLOAT32).build();
    CheckpointStore store = CheckpointStore.local(dir, 2);
    assertThrows(Crash.class, () -> fit(config, Checkpointing.of(store, "5", config.toString(), List::of), null, 12));
    TrainerState state = store.latest().orElseThrow().state();
    TrainingConfig other = TrainingConfig.builder().loss("softmax").optimizer("sgd").batchSize(32).epochs(2)
        .learningRate(0.5).precision(Precision.FLOAT32).build();
    BadInputException e = assertThrows(BadInputException.class,
        () -> fit(other, Checkpointing.of(store, "5", other.toString(), List::of), state, -1));
    assertTrue(e.getMessage().contains("other settings"), e.getMessage());
  }

  @Test
  void intervalsParseAndNonsenseIsRefused(@TempDir Path dir) {
    CheckpointStore store = CheckpointStore.local(dir, 1);
    Checkpointing steps = Checkpointing.of(store, "500", "", List::of);
    assertEquals(500, steps.every());
    assertFalse(steps.epochs());
    assertTrue(Checkpointing.of(store, "2epochs", "", List::of).epochs());
    assertEquals("every 1 epoch", Checkpointing.of(store, "1epoch", "", List::of).describe());
    for (String bad : List.of("0", "-3", "often", "5minutes", "99999999999")) {
      BadInputException e = assertThrows(BadInputException.class, () -> Checkpointing.of(store, bad, "", List::of));
      assertEquals("checkpointEvery", e.setting(), e.getMessage());
    }
    assertThrows(BadInputException.class, () -> CheckpointStore.local(dir, 0));
    assertTrue(store.latest().isEmpty());
  }

  @Test
  void optimizerStateRoundTripsThroughAFreshOptimizer() {
    io.downhill.model.ParameterLayout layout = Model.of(TrainingConfig.builder().loss("softmax").build().model()
        .spec(3, 2)).layout();
    for (String name : io.downhill.optim.OptimizerConfig.ruleNames()) {
      if (name.equals("sgd")) {
        continue; // stateless, checked below
      }
      io.downhill.optim.OptimizerConfig oc = TrainingConfig.builder().optimizer(name).build().optimizer();
      var rule = oc.rule();
      var a = rule.newState(layout);
      double[] theta = new double[layout.size()];
      double[] g = new double[layout.size()];
      for (int i = 0; i < g.length; i++) {
        g[i] = Math.sin(i + 1);
      }
      rule.stepInPlace(theta, g, a, 0.1);
      rule.stepInPlace(theta, g, a, 0.1);
      var b = rule.newState(layout);
      b.restoreInPlace(a.arrays(), a.steps());
      double[] ta = theta.clone();
      double[] tb = theta.clone();
      rule.stepInPlace(ta, g, a, 0.1);
      rule.stepInPlace(tb, g, b, 0.1);
      assertArrayEquals(ta, tb, 0.0, name);
      assertFalse(a.arrays().isEmpty(), name + " has state");
    }
    assertTrue(TrainingConfig.builder().build().optimizer().rule().newState(layout).arrays().isEmpty());
  }

  /** A simulated driver death after a given step. */
  private static final class Crash extends RuntimeException {
    final long step;

    Crash(long step) {
      super("crash after step " + step);
      this.step = step;
    }
  }

  private static double[] fit(TrainingConfig config, Checkpointing c, TrainerState resume, int crashAfter) {
    Model model = Model.of(config.model().spec(6, 4));
    double[] theta = new double[model.layout().size()];
    config.model().initializer().initialize(model.layout(), theta, config.seed());
    ShardComputer computer = new ShardComputer(model, Losses.parse(config.loss()), 4, config.precision(), config.seed());
    GradientSource source = new LocalGradientSource(computer, SHARDS, Map.of(Split.TRAIN, SHARDS, Split.VALIDATION, VAL));
    TrainingListener crash = new TrainingListener() {
      @Override
      public void onStep(StepRecord s) {
        if (s.step() + 1 == crashAfter) {
          throw new Crash(crashAfter);
        }
      }
    };
    Trainer trainer = new Trainer(config, model, source, List.of(crash));
    return trainer.withCheckpoints(c, resume).fit(theta).theta();
  }

  private static List<Path> checkpoints(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).sorted().toList();
    }
  }
}
