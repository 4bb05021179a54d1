package io.downhill.sanity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import io.downhill.data.Shard;
import io.downhill.linalg.Precision;
import io.downhill.shard.Split;
import io.downhill.testing.Blobs;
import io.downhill.train.Fit;
import io.downhill.train.LocalGradientSource;
import io.downhill.train.TrainingConfig;
import io.downhill.train.TrainingResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --lr auto}: the range test picks a rate that trains, and refuses when no rate lowers the loss. */
class RateFinderTest {
  private static final int K = 4;
  private static final Shard DATA = Blobs.shard(3000, 20, K, 11, 1, true);


  private static TrainingConfig.Builder auto() {
    return TrainingConfig.builder().learningRate(0).batchSize(32).epochs(3).precision(Precision.FLOAT64);
  }

  private static TrainingResult train(TrainingConfig config) {
    Fit fit = Fit.of(config, DATA.cols(), K, "--model", null);
    return fit.run(new LocalGradientSource(fit.computer(), List.of(DATA), Map.of(Split.TRAIN, List.of(DATA))), null,
        List.of());
  }

  @Test
  void picksTheRateWhoseLossFellFastestAndItTrains() {
    for (TrainingConfig config : List.of(auto().build(), auto().optimizer("adam").build(),
        auto().hidden(List.of(16)).build())) {
      String what = config.optimizer().name() + " " + config.model().hidden();
      RateFinder.Choice choice = RateFinder.pick(Fit.of(config, DATA.cols(), K, "--model", null), DATA, null);
      assertEquals(RateFinder.CANDIDATES.length, choice.trials().size(), what);
      SanityChecks.RateTrial picked = choice.trials().stream().filter(t -> t.lr() == choice.rate()).findFirst()
          .orElseThrow();
      assertEquals(SanityChecks.Trend.DOWN, picked.trend(), what);
      for (SanityChecks.RateTrial t : choice.trials()) {
        if (t.trend() == SanityChecks.Trend.DOWN || t.trend() == SanityChecks.Trend.FLAT) {
          assertTrue(picked.lastLoss() <= t.lastLoss(), what + ": " + choice.losses());
        }
      }
      // the largest rates explode here: the pick stays below every rate that did
      double exploded = choice.trials().stream().filter(t -> t.trend() == SanityChecks.Trend.EXPLODES)
          .mapToDouble(SanityChecks.RateTrial::lr).min().orElse(Double.NaN);
      assertTrue(exploded > choice.rate(), what + ": " + choice.losses());
      // sane: between 1e-3 and 1 on standardized-scale data, and a run at it learns the blobs
      assertTrue(choice.rate() >= 1e-3 && choice.rate() <= 1, what + ": " + choice.describe());
      TrainingResult atPick = train(config.withRate(choice.rate()));
      TrainingResult tooLow = train(config.withRate(1e-5));
      double accuracy = atPick.best().train().accuracy();
      assertTrue(accuracy > 0.85, what + " at " + choice.rate() + ": " + accuracy);
      assertTrue(atPick.best().train().loss() < 0.5 * tooLow.best().train().loss(), what);
      assertTrue(choice.describe().startsWith("lr auto: ") && choice.describe().contains("steps: 1e-5 "),
          choice.describe());
    }
  }

  @Test
  void noRateThatLowersTheLossIsAnErrorNamingTheSettingWithEveryLoss() {
    List<SanityChecks.RateTrial> hopeless = List.of(
        new SanityChecks.RateTrial(1e-5, SanityChecks.Trend.FLAT, 1.386, 1.386),
        new SanityChecks.RateTrial(1e-2, SanityChecks.Trend.RISES, 1.386, 1.9),
        new SanityChecks.RateTrial(10, SanityChecks.Trend.EXPLODES, 1.386, Double.NaN));
    BadInputException e = assertThrows(BadInputException.class, () -> RateFinder.choose(hopeless, 1600, 32));
    assertEquals("learningRate", e.setting());
    assertTrue(e.getMessage().contains("1e-5 1.39, 0.01 1.90 (rose), 10 exploded"), e.getMessage());
    // a loss that fell, even by less than the sweep's 10% (wide sparse data), is a rate to take
    List<SanityChecks.RateTrial> slow = List.of(hopeless.get(0), new SanityChecks.RateTrial(0.3, SanityChecks.Trend.FLAT,
        0.693, 0.687), new SanityChecks.RateTrial(1, SanityChecks.Trend.FLAT, 0.693, 0.678), hopeless.get(2));
    assertEquals(1, RateFinder.choose(slow, 1600, 32).rate());
  }

  @Test
  void theLowestLossWinsAndALargerRateOnATie() {
    SanityChecks.RateTrial low = new SanityChecks.RateTrial(0.01, SanityChecks.Trend.DOWN, 2.3, 0.5);
    SanityChecks.RateTrial tie = new SanityChecks.RateTrial(0.03, SanityChecks.Trend.DOWN, 2.3, 0.5);
    SanityChecks.RateTrial worse = new SanityChecks.RateTrial(0.1, SanityChecks.Trend.DOWN, 2.3, 0.6);
    SanityChecks.RateTrial rose = new SanityChecks.RateTrial(0.3, SanityChecks.Trend.RISES, 2.3, 0.1);
    SanityChecks.RateTrial blown = new SanityChecks.RateTrial(1, SanityChecks.Trend.EXPLODES, 2.3, Double.NaN);
    assertEquals(0.03, RateFinder.choose(List.of(low, tie, worse, rose, blown), 1600, 32).rate());
    assertEquals(0.01, RateFinder.choose(List.of(low, worse, rose, blown), 1600, 32).rate(), "a rise never wins");
  }

  @Test
  void aWholeRunWithAnAutoRateIsRefusedUntilTheRateIsPicked() {
    assertThrows(IllegalStateException.class, () -> train(auto().build()));
  }
}
