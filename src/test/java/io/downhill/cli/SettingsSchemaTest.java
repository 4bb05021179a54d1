package io.downhill.cli;

import static io.downhill.train.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.downhill.BadInputException;
import io.downhill.checkpoint.Checkpointing;
import io.downhill.data.DataSpec;
import io.downhill.linalg.Precision;
import io.downhill.settings.Setting;
import io.downhill.settings.SettingValues;
import io.downhill.spark.DataLoader;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingSettings;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * The settings schema ({@link TrainingSettings}) against the command line: every setting declared
 * once, valid by its own declaration, and shown by {@code train} as the declaration says; a value
 * given as a flag or in a --conf file reaches the run unchanged, a bad one is refused naming the
 * flag; the configuration reference is the schema's.
 */
class SettingsSchemaTest {
  private static final Path REFERENCE = Path.of("docs/CONFIGURATION.md");

  /** Settings that take effect only on an mlp (a linear model refuses them). */
  private static final Set<Setting<?>> ON_AN_MLP = Set.of(LOSS, HIDDEN_LAYERS, DROPOUT, BATCH_NORM);

  /** Where each setting lands in a training run, read back from the train command. */
  private static final Map<Setting<?>, Function<TrainCommand, Object>> LANDS = landing();

  @TempDir
  Path dir;

  private static List<Setting<?>> onTheCommandLine() {
    return TrainingSettings.ALL.stream().filter(s -> s.shownIn(Setting.Front.CLI)).toList();
  }

  @Test
  void everySettingIsDeclaredOnceAndItsDefaultsPassItsOwnValidator() throws IllegalAccessException {
    Set<String> names = new HashSet<>();
    Set<String> flags = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (Setting<?> s : TrainingSettings.ALL) {
      assertTrue(names.add(s.name()) && flags.add(s.flag()) && keys.add(s.key()), "declared twice: " + s);
      assertSame(s, TrainingSettings.named(s.name()));
      assertTrue(s.flag().startsWith("--") && s.name().matches("[a-z][A-Za-z0-9]*"), s.name() + " " + s.flag());
      assertFalse(s.doc().isBlank(), s.name());
      assertValidDefault(s, Setting.Front.CLI);
      assertValidDefault(s, Setting.Front.ML);
      s.doc(mentioned -> {
        assertNotNull(TrainingSettings.named(mentioned), s + "'s doc mentions " + mentioned);
        return mentioned;
      });
    }
    List<Object> declared = new ArrayList<>();
    for (Field f : TrainingSettings.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == Setting.class) {
        declared.add(f.get(null));
      }
    }
    assertEquals(Set.copyOf(declared), Set.copyOf(TrainingSettings.ALL), "every declared setting is in ALL");
  }

  private static <T> void assertValidDefault(Setting<T> s, Setting.Front front) {
    T dflt = s.isDerived() ? s.derivedDefault(SettingValues.defaults(front)) : s.defaultFor(front);
    assertEquals(dflt, s.checked(dflt), s + "'s default for " + front + " is valid and written canonically");
  }

  @Test
  void theLearningRatesDefaultIsTheOptimizersAndAutoIsAWordForZero() {
    SettingValues none = SettingValues.defaults(Setting.Front.CLI);
    assertNull(LEARNING_RATE.defaultValue(), "no fixed default: it depends on the optimizer");
    assertEquals(0.1, none.get(LEARNING_RATE));
    assertEquals(1e-3, none.with(OPTIMIZER_NAME, "adam").get(LEARNING_RATE));
    assertEquals(2e-3, none.with(OPTIMIZER_NAME, "nadam").get(LEARNING_RATE));
    assertEquals(1e-2, none.with(OPTIMIZER_NAME, "adagrad").get(LEARNING_RATE));
    assertEquals(0.1, none.with(ALGORITHM, "gd").get(LEARNING_RATE), "gd's line search starts where it always did");
    assertEquals(0.05, none.with(OPTIMIZER_NAME, "adam").with(LEARNING_RATE, 0.05).get(LEARNING_RATE), "given wins");
    assertEquals(1e-3, TrainingConfig.from(none.with(OPTIMIZER_NAME, "adam")).learningRate());
    assertEquals(0.0, LEARNING_RATE.parse("auto"));
    assertEquals(0.0, LEARNING_RATE.parse(" AUTO "));
    assertEquals("auto", LEARNING_RATE.format(0.0));
    assertEquals(0, EPOCHS.parse("auto"));
    assertEquals(0, BATCH_SIZE.parse("auto"));
    assertTrue(TrainingConfig.from(none.withText(LEARNING_RATE, "auto")).autoRate());
    BadInputException gd = assertThrows(BadInputException.class,
        () -> TrainingConfig.from(none.with(ALGORITHM, "gd").withText(LEARNING_RATE, "auto")));
    assertEquals("learningRate", gd.setting());
  }

  @Test
  void spellingsTheCommandLineAlwaysTookAreReadAsTheCanonicalOnes() {
    assertEquals("float64", PRECISION.parse("double"));
    assertEquals("leaky-relu", ACTIVATION.parse("LEAKY_RELU"));
    assertEquals("val_loss", EARLY_STOPPING.parse("val-loss"));
    assertEquals("adam", OPTIMIZER_NAME.parse(" Adam"));
    assertEquals("svm", LOSS.parse("hinge"));
  }

  @Test
  void theBuildersDefaultsAreTheSchemas() {
    assertEquals(TrainingConfig.from(SettingValues.defaults(Setting.Front.CLI)), TrainingConfig.builder().build());
  }

  @Test
  void trainShowsEverySettingWithItsFlagLabelDocAndDefault() {
    CommandLine.Model.CommandSpec train = Main.commandLine().getSubcommands().get("train").getCommandSpec();
    for (Setting<?> s : onTheCommandLine()) {
      OptionSpec o = train.findOption(s.flag());
      assertNotNull(o, s.flag());
      assertEquals(s.label(), o.paramLabel(), s.flag());
      assertNull(o.defaultValue(), s.flag() + ": no default of picocli's, so a value means the setting was given");
      String help = String.join(" ", o.description());
      assertTrue(help.startsWith(s.doc(ShownSetting::flag)), help);
      assertShowsDefault(s, help);
    }
    for (OptionSpec o : train.options()) {
      if (o.userObject() instanceof ShownSetting shown) {
        assertSame(shown.setting(), TrainingSettings.named(shown.setting().name()), o.longestName());
      }
    }
  }

  private static <T> void assertShowsDefault(Setting<T> s, String help) {
    Matcher m = Pattern.compile("\\(default: ([^)]*)\\)$").matcher(help);
    if (s.type() == Boolean.class) {
      assertFalse(m.find(), help);
      return;
    }
    assertTrue(m.find(), s.flag() + ": " + help);
    if (s.isDerived()) {
      assertEquals(s.defaultText(), m.group(1), s.flag());
    } else if (s.format(s.defaultValue()).isEmpty()) {
      assertEquals("none", m.group(1), s.flag());
    } else {
      assertEquals(s.defaultValue(), s.parse(m.group(1)), s.flag() + " shows its default");
    }
  }

  @Test
  void aValueGivenAsAFlagOrInAConfFileReachesTheRunUnchanged() throws IOException {
    assertEquals(Set.copyOf(onTheCommandLine()), LANDS.keySet(), "every setting lands somewhere");
    for (Setting<?> s : onTheCommandLine()) {
      String text = sample(s);
      List<String> args = new ArrayList<>(List.of("train"));
      if (ON_AN_MLP.contains(s)) {
        args.addAll(List.of("--model", "mlp"));
      }
      List<String> asFlag = new ArrayList<>(args);
      asFlag.add(s.flag());
      if (s.type() != Boolean.class) {
        asFlag.add(text);
      }
      Object expected = s.parse(text);
      assertEquals(expected, landed(s, asFlag, null), s.flag() + " " + text);
      Path conf = Files.writeString(dir.resolve(s.key() + ".properties"), s.key() + "=" + text + "\n");
      assertEquals(expected, landed(s, args, conf), "--conf " + s.key() + "=" + text);
    }
  }

  private static Object landed(Setting<?> s, List<String> args, Path conf) {
    CommandLine cl = Main.commandLine();
    CommandLine train = cl.getSubcommands().get("train");
    if (conf != null) {
      ConfFile.install(train, conf.toString());
    }
    cl.parseArgs(args.toArray(new String[0]));
    return LANDS.get(s).apply(train.getCommand());
  }

  @Test
  void aFlagWithABareValueMeansItAloneAndTakesAValueWhenGiven() {
    List<Setting<?>> bare = onTheCommandLine().stream().filter(s -> s.bare() != null).toList();
    assertEquals(List.of(BATCH_NORM), bare);
    List<String> args = List.of("train", "--model", "mlp", "--batch-norm", "--epochs", "3");
    assertEquals("before", landed(BATCH_NORM, args, null), "the flag alone, another option after it");
    assertEquals("before", landed(BATCH_NORM, List.of("train", "--model", "mlp", "--batch-norm"), null), "last");
    assertEquals("after", landed(BATCH_NORM, List.of("train", "--model", "mlp", "--batch-norm", "after"), null));
    assertEquals("none", landed(BATCH_NORM, List.of("train", "--model", "mlp"), null), "the default");
  }

  @Test
  void aValueItsValidatorRefusesIsBadInputNamingTheFlag() {
    for (Setting<?> s : onTheCommandLine()) {
      String bad = invalid(s);
      if (bad == null) {
        continue; // every value of the type is valid (a seed, a column name, a flag)
      }
      List<String> args = new ArrayList<>(List.of("train", "--data", "idx:" + Path.of("nowhere").toAbsolutePath()));
      if (ON_AN_MLP.contains(s)) {
        args.addAll(List.of("--model", "mlp"));
      }
      args.addAll(List.of(s.flag(), bad));
      Cli c = Cli.run(args.toArray(new String[0]));
      assertEquals(ExitCodes.BAD_INPUT, c.code(), c.toString());
      assertTrue(c.err().startsWith("downhill: error: " + s.flag() + ": "), s.flag() + " " + bad + ": " + c.err());
    }
  }

  @Test
  void theConfigurationReferenceIsTheSchemas() throws IOException {
    String expected = ConfigurationReference.markdown();
    String actual = Files.exists(REFERENCE) ? Files.readString(REFERENCE) : "";
    if (!expected.equals(actual)) {
      Path fresh = Path.of("target", REFERENCE.getFileName().toString());
      Files.writeString(fresh, expected);
      List<String> want = expected.lines().toList();
      List<String> have = actual.lines().toList();
      int line = 0;
      while (line < want.size() && line < have.size() && want.get(line).equals(have.get(line))) {
        line++;
      }
      fail(REFERENCE + " is out of date from line " + (line + 1) + ": the schema's is in " + fresh + "; copy it over");
    }
    for (Setting<?> s : onTheCommandLine()) {
      assertTrue(actual.contains("`" + s.flag() + "`"), s.flag());
    }
  }

  /** A valid value of {@code s} other than its default, as text. */
  private static <T> String sample(Setting<T> s) {
    String text;
    if (s.choices() != null) {
      text = s.choices().stream().filter(c -> !c.equals(s.defaultValue())).reduce((a, b) -> b).orElseThrow();
    } else if (s == CHECKPOINT_EVERY) {
      text = "3epochs";
    } else if (s.type() == String.class) {
      text = "some-" + s.key();
    } else if (s.type() == Boolean.class) {
      text = "true";
    } else if (s.type() == List.class) {
      text = "16,8";
    } else if (s.type() == Double.class) {
      double d = (Double) s.derivedDefault(SettingValues.defaults(Setting.Front.CLI));
      text = Double.toString(d == 0 ? 0.05 : d / 2);
    } else {
      text = Long.toString(((Number) s.defaultValue()).longValue() + 1);
    }
    assertTrue(s.isValid(s.parse(text)) && !s.parse(text).equals(s.defaultValue()), s + ": sample " + text);
    return text;
  }

  /** A value at the edge of what {@code s} allows, as text, or null when every value of its type is allowed. */
  private static <T> String invalid(Setting<T> s) {
    List<String> candidates = s.type() == Double.class ? List.of("0", "1", "-1")
        : s.type() == Integer.class ? List.of("0", "-1")
        : s.type() == List.class ? List.of("0")
        : s.type() == String.class ? List.of("nonsense", " x") : List.of();
    for (String c : candidates) {
      try {
        s.parse(c);
      } catch (io.downhill.BadInputException refused) {
        return c;
      }
    }
    return null;
  }

  private static Map<Setting<?>, Function<TrainCommand, Object>> landing() {
    Function<Function<TrainingConfig, Object>, Function<TrainCommand, Object>> config = f -> t -> f.apply(
        t.train.config());
    Function<Function<DataLoader.Settings, Object>, Function<TrainCommand, Object>> data = f -> t -> f.apply(
        t.data.settings(DataSpec.parse("synthetic", List.of()), null, 42, Precision.FLOAT32));
    return Map.ofEntries(
        Map.entry(MODEL_TYPE, config.apply(c -> c.model().isLinear() ? c.loss() : "mlp")),
        Map.entry(LOSS, config.apply(TrainingConfig::loss)),
        Map.entry(HIDDEN_LAYERS, config.apply(c -> c.model().hidden())),
        Map.entry(ACTIVATION, config.apply(c -> c.model().activation())),
        Map.entry(BATCH_NORM, config.apply(c -> c.model().batchNorm())),
        Map.entry(INIT, config.apply(c -> c.model().init())),
        Map.entry(INIT_SCALE, config.apply(c -> c.model().initScale())),
        Map.entry(PRECISION, config.apply(c -> c.precision().label())),
        Map.entry(ALGORITHM, config.apply(c -> c.optimizer().name())),
        Map.entry(OPTIMIZER_NAME, config.apply(c -> c.optimizer().name())),
        Map.entry(BATCH_SIZE, config.apply(TrainingConfig::batchSize)),
        Map.entry(EPOCHS, config.apply(TrainingConfig::epochs)),
        Map.entry(MOMENTUM, config.apply(c -> c.optimizer().momentum())),
        Map.entry(BETA1, config.apply(c -> c.optimizer().beta1())),
        Map.entry(BETA2, config.apply(c -> c.optimizer().beta2())),
        Map.entry(EPS, config.apply(c -> c.optimizer().eps())),
        Map.entry(RHO, config.apply(c -> c.optimizer().rho())),
        Map.entry(WEIGHT_DECAY, config.apply(c -> c.optimizer().weightDecay())),
        Map.entry(LINE_SEARCH, config.apply(c -> c.lineSearch().kind())),
        Map.entry(TOL, config.apply(c -> c.lineSearch().tol())),
        Map.entry(TRIALS, config.apply(TrainingConfig::trials)),
        Map.entry(LOCAL_STEPS, config.apply(TrainingConfig::localSteps)),
        Map.entry(SYNC, t -> SettingOptions.values(t.steps.command).get(SYNC)), // to SparkGradientSource.sync
        Map.entry(COLLECTIVE_TIMEOUT, t -> SettingOptions.values(t.steps.command).get(COLLECTIVE_TIMEOUT)),
        Map.entry(ABORT_FACTOR, config.apply(TrainingConfig::abortFactor)),
        Map.entry(SEED, config.apply(TrainingConfig::seed)),
        Map.entry(LEARNING_RATE, config.apply(TrainingConfig::learningRate)),
        Map.entry(SCHEDULE_KIND, config.apply(c -> c.schedule().kind())),
        Map.entry(LR_DECAY, config.apply(c -> c.schedule().decay())),
        Map.entry(LR_STEP, config.apply(c -> c.schedule().stepEpochs())),
        Map.entry(DECAY_RATE, config.apply(c -> c.schedule().rate())),
        Map.entry(LR_MIN, config.apply(c -> c.schedule().min())),
        Map.entry(WARMUP, config.apply(c -> c.schedule().warmup())),
        Map.entry(REG, config.apply(c -> c.regularizer().lambda())),
        Map.entry(L1_RATIO, config.apply(c -> c.regularizer().l1Ratio())),
        Map.entry(MAX_NORM, config.apply(TrainingConfig::maxNorm)),
        Map.entry(DROPOUT, config.apply(c -> c.model().dropout())),
        Map.entry(EARLY_STOPPING, config.apply(c -> c.earlyStopping().metric())),
        Map.entry(PATIENCE, config.apply(c -> c.earlyStopping().patience())),
        Map.entry(VALIDATION_FRACTION, data.apply(DataLoader.Settings::valFraction)),
        Map.entry(NUM_PARTITIONS, data.apply(DataLoader.Settings::partitions)),
        Map.entry(BLOCK_ROWS, data.apply(DataLoader.Settings::blockRows)),
        Map.entry(WEIGHT_COL, data.apply(DataLoader.Settings::weightCol)),
        Map.entry(CHECKPOINT_DIR, t -> t.checkpoint.dir()),
        Map.entry(CHECKPOINT_EVERY, t -> {
          Checkpointing c = t.checkpoint.checkpointing(null, "", List::of);
          return c.every() + (c.epochs() ? "epochs" : "steps");
        }),
        Map.entry(CHECKPOINT_KEEP, t -> t.checkpoint.keep()),
        Map.entry(RESUME, t -> t.checkpoint.resume()),
        Map.entry(INITIAL_MODEL, t -> t.init.dir()));
  }
}
