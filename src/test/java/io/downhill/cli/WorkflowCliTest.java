package io.downhill.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.testing.DataFiles;
import io.downhill.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The practitioner's commands end to end, in-process: sanity, search, and train's report and monitors. */
class WorkflowCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path dir;
  static Path idx;

  @BeforeAll
  static void setUp() throws IOException {
    TestSpark.session();
    idx = DataFiles.idxDirectory(dir.resolve("idx"), 1200, 300, 6, 6, 4, true);
  }

  @Test
  void sanityPassesOnASoundSettingAndFailsWithTheReasonOnAHugeLearningRate() {
    Cli ok = Cli.run("sanity", "--data", "idx:" + idx, "--model", "mlp", "--hidden", "16", "--batch-size", "20",
        "--lr", "0.1");
    assertEquals(0, ok.code(), ok.toString());
    for (String check : List.of("ok   initial loss", "ok   regularization raises the loss", "ok   overfit 20 examples",
        "ok   gradient check", "ok   learning rate", "sanity: all 5 checks passed")) {
      assertTrue(ok.out().contains(check), check + " in\n" + ok.out());
    }
    Cli broken = Cli.run("sanity", "--data", "idx:" + idx, "--lr", "1e6", "--batch-size", "20");
    assertEquals(ExitCodes.FAILED, broken.code(), broken.toString());
    assertTrue(broken.out().contains("FAIL learning rate: lr 1000000.0 explodes: too high"), broken.out());
    assertTrue(broken.out().contains("checks FAILED: learning rate"), broken.out());
    // with --lr auto the checks run at the rate the sweep picks, which passes the sweep's own check
    Cli auto = Cli.run("sanity", "--data", "idx:" + idx, "--lr", "auto", "--batch-size", "20");
    assertEquals(0, auto.code(), auto.toString());
    assertTrue(auto.out().lines().anyMatch(l -> l.startsWith("lr auto: ")), auto.out());
    assertTrue(auto.out().contains("sanity: all 5 checks passed"), auto.out());
  }

  @Test
  void searchWritesALeaderboardTheBestModelAndAReportAndSharingChangesNoResult() throws IOException {
    Path space = dir.resolve("space.properties");
    Files.writeString(space, String.join("\n", "model = mlp", "hidden = choice 8 16", "lr = log-uniform 1e-3 30",
        "reg = log-uniform 1e-6 1e-2", "batch-size = choice 32 64", "coarse.trials = 6", "coarse.epochs = 1",
        "fine.trials = 2", "fine.epochs = 2", "fine.top = 2"));
    Path out = dir.resolve("search");
    Cli s = Cli.run("search", "--data", "idx:" + idx, "--space", space.toString(), "--compare-sequential", "--out",
        out.toString());
    assertEquals(0, s.code(), s.toString());
    JsonNode board = JSON.readTree(out.resolve("leaderboard.json").toFile());
    assertEquals(8, board.get("trials").size());
    double previous = 2;
    for (JsonNode t : board.get("trials")) {
      double lr = t.get("lr").asDouble();
      assertTrue(lr >= 1e-3 / 1.5 && lr <= 30, "lr " + lr);
      double acc = t.get("best_val_accuracy").isNull() ? -1 : t.get("best_val_accuracy").asDouble();
      assertTrue(acc <= previous, "sorted best first");
      previous = acc;
      assertTrue(List.of("coarse", "fine").contains(t.get("stage").asText()));
    }
    assertEquals(9, Files.readAllLines(out.resolve("leaderboard.csv")).size()); // header + 8
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertTrue(summary.get("sequential_comparison").get("identical_results").asBoolean(), s.out());
    assertTrue(summary.get("coarse").get("spark_jobs").asLong() < summary.get("coarse").get("trial_works").asLong());
    assertTrue(summary.get("best").get("val_accuracy").asDouble() > 0.8, s.out());
    assertTrue(Files.exists(out.resolve("model/metadata/_SUCCESS")));
    assertTrue(Files.readString(out.resolve("report.html")).contains("data-plot=\"accuracy-vs-lr\""));
    assertTrue(s.out().contains("sharing: ") && s.out().contains("results identical"), s.out());
    // the best trial's log-range settings at an edge of their range: the same in the console, summary and leaderboard
    JsonNode edges = board.get("range_edges");
    assertEquals(edges, summary.get("best").get("range_edges"));
    JsonNode bestTrial = board.get("trials").get(0);
    assertEquals(board.get("best").asInt(), bestTrial.get("id").asInt());
    for (String setting : List.of("lr", "reg")) {
      double lo = setting.equals("lr") ? 1e-3 : 1e-6;
      double hi = setting.equals("lr") ? 30 : 1e-2;
      double position = Math.log(bestTrial.get(setting).asDouble() / lo) / Math.log(hi / lo);
      boolean atEdge = position <= 0.1 || position >= 0.9;
      long warned = 0;
      for (JsonNode e : edges) {
        if (e.get("setting").asText().equals(setting)) {
          warned++;
          assertEquals(position, e.get("position").asDouble(), 1e-9);
          assertTrue(s.out().contains("  warn: " + e.get("message").asText()), s.out());
        }
      }
      assertEquals(atEdge ? 1 : 0, warned, setting + " at " + position + " of its range: " + edges);
    }
    assertEquals(edges.size(), s.out().lines().filter(l -> l.startsWith("  warn: best ")).count(), s.out());
  }

  @Test
  void aSearchSpaceKeyThatIsNotATrainingFlagIsBadInput() throws IOException {
    Path space = dir.resolve("bad.properties");
    Files.writeString(space, "lr = log-uniform 1e-3 1\nlearning-rate = 0.1\n");
    Cli s = Cli.run("search", "--data", "idx:" + idx, "--space", space.toString(), "--out", dir.resolve("x").toString());
    assertEquals(ExitCodes.BAD_INPUT, s.code(), s.toString());
    assertTrue(s.err().contains("learning-rate") && s.err().contains("not a training flag"), s.err());
    assertTrue(Files.notExists(dir.resolve("x")));
  }

  @Test
  void trainWritesPerLayerMonitorsAReportAndADiagnosis() throws IOException {
    Path out = dir.resolve("mlp");
    Cli t = Cli.run("train", "--data", "idx:" + idx, "--model", "mlp", "--hidden", "16", "--epochs", "2",
        "--batch-size", "32", "--lr", "0.05", "--out", out.toString());
    assertEquals(0, t.code(), t.toString());
    JsonNode step = JSON.readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
    for (String layer : List.of("W1", "W2")) {
      JsonNode l = step.get("layers").get(layer);
      assertTrue(l.get("update_ratio").asDouble() > 0, step.toString());
      assertTrue(l.get("min").asDouble() < l.get("mean").asDouble() && l.get("mean").asDouble() < l.get("max").asDouble());
      double updateMean = l.get("update_mean").asDouble();
      assertTrue(l.get("update_min").asDouble() < updateMean && updateMean < l.get("update_max").asDouble(), l.toString());
      assertTrue(l.get("update_std").asDouble() > 0, l.toString());
    }
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    double dead = summary.get("dead_units").get("h1").asDouble();
    assertTrue(dead >= 0 && dead <= 1, summary.toString());
    String report = Files.readString(out.resolve("report.html"));
    for (String plot : List.of("loss", "accuracy", "update-ratio", "updates-W1", "updates-W2", "first-layer-weights",
        "confusion")) {
      assertTrue(report.contains("data-plot=\"" + plot + "\""), plot);
    }
    assertTrue(t.out().contains("diagnosis:"), t.out());
  }
}
