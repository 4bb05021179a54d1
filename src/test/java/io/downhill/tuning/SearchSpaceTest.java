package io.downhill.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.downhill.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
  private static Map<String, String> props(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static final SearchSpace SPACE = SearchSpace.parse(props("model", "mlp", "lr", "log-uniform 1e-4 1",
      "momentum", "uniform 0.8 0.9", "hidden", "choice 64 128,64", "coarse.trials", "10", "fine.epochs", "5"), "test");

  @Test
  void parsesDimensionsFixedSettingsAndStages() {
    assertEquals(List.of("lr", "momentum", "hidden"), new ArrayList<>(SPACE.dimensions().keySet()));
    assertEquals(Map.of("model", "mlp"), SPACE.fixed());
    assertEquals(10, SPACE.coarse().trials());
    assertEquals(2, SPACE.coarse().epochs()); // default
    assertEquals(5, SPACE.fine().epochs());
    assertEquals(new SearchSpace.Choice(List.of("64", "128,64")), SPACE.dimensions().get("hidden"));
  }

  @Test
  void logUniformSamplesAreUniformInTheExponent() {
    SplittableRandom rng = new SplittableRandom(1);
    int n = 20_000;
    int perDecade[] = new int[4];
    for (int i = 0; i < n; i++) {
      Map<String, String> s = SPACE.sample(rng);
      double lr = Double.parseDouble(s.get("lr"));
      double m = Double.parseDouble(s.get("momentum"));
      assertTrue(lr >= 1e-4 && lr <= 1, "lr " + lr);
      assertTrue(m >= 0.8 && m <= 0.9, "momentum " + m);
      perDecade[(int) Math.min(3, Math.floor(Math.log10(lr) + 4))]++;
    }
    for (int count : perDecade) { // a quarter in each decade 1e-4..1e-3, ..., 1e-1..1 (uniform in lr would put 90% in the last)
      assertEquals(0.25, (double) count / n, 0.02);
    }
  }

  @Test
  void narrowingCentresOnTheBestTrials() {
    SearchSpace fine = SPACE.narrow(List.of(Map.of("lr", "0.01", "momentum", "0.85", "hidden", "64"),
        Map.of("lr", "0.04", "momentum", "0.86", "hidden", "64")));
    SearchSpace.LogUniform lr = (SearchSpace.LogUniform) fine.dimensions().get("lr");
    assertEquals(0.01 / 1.5, lr.lo(), 1e-12);
    assertEquals(0.04 * 1.5, lr.hi(), 1e-12);
    SearchSpace.Uniform m = (SearchSpace.Uniform) fine.dimensions().get("momentum");
    assertTrue(m.lo() >= 0.8 && m.lo() < 0.85 && m.hi() > 0.86 && m.hi() <= 0.9, m.toString());
    assertEquals(new SearchSpace.Choice(List.of("64")), fine.dimensions().get("hidden"));
  }

  @Test
  void badFilesAreRejectedWithTheKeyAndWhatWasExpected() {
    BadInputException e = assertThrows(BadInputException.class,
        () -> SearchSpace.parse(props("lr", "log-uniform 0 1"), "space.properties"));
    assertTrue(e.getMessage().contains("space.properties: lr") && e.getMessage().contains("0 < LO < HI"), e.getMessage());
    assertThrows(BadInputException.class, () -> SearchSpace.parse(props("lr", "log-uniform 1 x"), "f"));
    assertThrows(BadInputException.class, () -> SearchSpace.parse(props("lr", "uniform 1"), "f"));
    assertThrows(BadInputException.class, () -> SearchSpace.parse(props("model", "mlp"), "f")); // nothing searched
    assertThrows(BadInputException.class, () -> SearchSpace.parse(props("lr", "choice 1 2", "fine.trails", "3"), "f"));
    assertThrows(BadInputException.class, () -> SearchSpace.parse(props("lr", "choice 1 2", "coarse.epochs", "0"), "f"));
  }

  @Test
  void trialsRankByValidationAccuracyThenLossWithUnfinishedLast() {
    TrialResult a = new TrialResult(1, "coarse", Map.of(), 2, 2, 0.8, 0.5, "epochs", 2, 1, 10, 1, null);
    TrialResult b = new TrialResult(2, "coarse", Map.of(), 2, 2, 0.9, 0.6, "epochs", 2, 1, 10, 1, null);
    TrialResult c = new TrialResult(3, "coarse", Map.of(), 0, 0, Double.NaN, Double.NaN, "loss exploded", 2, 9, 1, 1,
        null);
    TrialResult d = new TrialResult(4, "fine", Map.of(), 2, 2, 0.9, 0.4, "epochs", 2, 1, 10, 1, null);
    List<TrialResult> sorted = new ArrayList<>(List.of(a, b, c, d));
    sorted.sort(TrialResult::byAccuracy);
    assertEquals(List.of(d, b, a, c), sorted);
  }
}
