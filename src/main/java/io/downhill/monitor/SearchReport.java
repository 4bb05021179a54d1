package io.downhill.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * {@code report.html} of a hyperparameter search, from its {@code leaderboard.json} only: best
 * validation accuracy against the learning rate and against the regularization strength, both on
 * log axes (the scale the search samples them on), coarse and fine trials with different markers,
 * the best trial ringed, and exploded or diverged trials as red crosses (on the bottom edge when
 * they have no accuracy); then the leaderboard as a table sorted by accuracy. One looks for the
 * region where the good trials cluster, and whether it touches the edge of the searched range (then
 * the range should move): the best trial's log-range settings in the outer tenth of their range
 * ({@code range_edges} of the leaderboard, {@link io.downhill.tuning.RangeEdge}) are warnings under
 * the headline and marked cells of the best row. Same self-contained page and Java-drawn SVG as
 * {@link Report}.
 *
 * <p>Tolerant of what a trial lacks: missing keys are blank cells, a NaN or null accuracy counts as
 * failed, a regularization of 0 cannot sit on a log axis and is counted in a note instead.
 */
public final class SearchReport {
  private SearchReport() {}

  public static final String FILE = "report.html";
  public static final String LEADERBOARD = "leaderboard.json";

  /** Columns shown first, in this order; any other keys of the trials follow. */
  private static final List<String> FIRST_COLUMNS = List.of("id", "stage", "best_val_accuracy", "best_epoch", "lr", "reg",
      "hidden", "batch_size", "optimizer", "epochs", "stop_reason", "initial_loss", "final_loss", "seconds");

  /** One trial as plotted. */
  record Trial(JsonNode json, int id, String stage, double lr, double reg, double accuracy, boolean failed) {
    static Trial of(JsonNode t) {
      double acc = RunFiles.num(t.path("best_val_accuracy"));
      String stop = t.path("stop_reason").asText("").toLowerCase(Locale.ROOT);
      boolean failed = !Double.isFinite(acc) || stop.contains("explod") || stop.contains("diverg") || stop.contains("nan");
      return new Trial(t, t.path("id").asInt(-1), t.path("stage").asText(""), RunFiles.num(t.path("lr")),
          RunFiles.num(t.path("reg")), acc, failed);
    }

    String tip() {
      StringBuilder s = new StringBuilder("trial ").append(id);
      if (!stage.isEmpty()) {
        s.append(" (").append(stage).append(')');
      }
      s.append(": lr ").append(Html.number(lr, 3)).append(", reg ").append(Html.number(reg, 3));
      if (json.has("hidden")) {
        s.append(", hidden ").append(cell(json.get("hidden")));
      }
      s.append(", val accuracy ").append(Html.number(accuracy, 4));
      if (json.has("stop_reason")) {
        s.append(", stop: ").append(json.get("stop_reason").asText());
      }
      return s.toString();
    }
  }

  /** Writes {@code searchDir/report.html} (atomically) from {@code searchDir/leaderboard.json}; returns its path. */
  public static Path write(Path searchDir) throws IOException {
    JsonNode board = RunFiles.JSON.readTree(searchDir.resolve(LEADERBOARD).toFile());
    Path target = searchDir.resolve(FILE);
    // written inside the run's hidden running folder (.NAME.running): the page names NAME
    String name = String.valueOf(searchDir.toAbsolutePath().getFileName()).replaceFirst("^\\.(.*)\\.running$", "$1");
    RunFiles.writeAtomically(target, html(board, name));
    return target;
  }

  /** The page for a leaderboard. */
  static String html(JsonNode board, String name) {
    List<Trial> trials = new ArrayList<>();
    board.path("trials").forEach(t -> trials.add(Trial.of(t)));
    int best = board.path("best").asInt(bestId(trials));
    StringBuilder b = new StringBuilder(32 * 1024);
    b.append("<h1>Hyperparameter search: ").append(Html.esc(name)).append("</h1>\n");
    b.append("<p class=\"sub\">").append(Html.esc(headline(trials, best))).append("</p>\n");
    Map<String, String> edges = new LinkedHashMap<>();
    board.path("range_edges").forEach(e -> edges.put(e.path("setting").asText(), e.path("message").asText()));
    if (!edges.isEmpty()) {
      b.append(Report.diagnosis(edges.values().stream().map(Diagnosis.Finding::warn).toList()));
    }
    b.append("<h2>Validation accuracy against the hyperparameters</h2>\n<div class=\"plots\">");
    b.append(scatter("accuracy-vs-lr", "Best validation accuracy against the learning rate", "learning rate", trials, best,
        Trial::lr));
    b.append(scatter("accuracy-vs-reg", "Best validation accuracy against the regularization", "regularization", trials,
        best, Trial::reg));
    b.append("</div>\n");
    long zeroReg = trials.stream().filter(t -> !(t.reg() > 0)).count();
    b.append(Html.note("Log x axes. Red crosses: trials that exploded or diverged (on the bottom edge when they have no"
        + " accuracy)." + (zeroReg > 0 ? " " + zeroReg + " trial(s) with regularization 0 or none are not on the second chart."
        : "")));
    b.append("<h2>Leaderboard</h2>\n").append(leaderboard(trials, best, edges));
    b.append(otherKeys(board));
    return Html.page("Downhill search: " + name, b.toString());
  }

  private static int bestId(List<Trial> trials) {
    return trials.stream().filter(t -> !t.failed()).max(Comparator.comparingDouble(Trial::accuracy)).map(Trial::id)
        .orElse(-1);
  }

  private static String headline(List<Trial> trials, int best) {
    long failed = trials.stream().filter(Trial::failed).count();
    String s = trials.size() + " trials (" + trials.stream().filter(t -> "coarse".equals(t.stage())).count() + " coarse, "
        + trials.stream().filter(t -> "fine".equals(t.stage())).count() + " fine), " + failed + " exploded or diverged";
    for (Trial t : trials) {
      if (t.id() == best) {
        s += "; best: " + t.tip();
      }
    }
    return s;
  }

  private static String scatter(String plotName, String title, String xLabel, List<Trial> trials, int best,
      ToDoubleFunction<Trial> xOf) {
    Plot p = new Plot(plotName, title, xLabel, "best validation accuracy").logX(true);
    addGroup(p, "coarse", trials.stream().filter(t -> !t.failed() && "coarse".equals(t.stage())).toList(), xOf,
        Svg.colour(0), Svg.Marker.CIRCLE, false);
    addGroup(p, "fine", trials.stream().filter(t -> !t.failed() && "fine".equals(t.stage())).toList(), xOf,
        Svg.colour(1), Svg.Marker.TRIANGLE, false);
    addGroup(p, "other", trials.stream().filter(t -> !t.failed() && !"coarse".equals(t.stage())
        && !"fine".equals(t.stage())).toList(), xOf, Svg.colour(7), Svg.Marker.SQUARE, false);
    List<Trial> failedWithAccuracy = trials.stream().filter(t -> t.failed() && Double.isFinite(t.accuracy())).toList();
    List<Trial> failedWithout = trials.stream().filter(t -> t.failed() && !Double.isFinite(t.accuracy())).toList();
    addGroup(p, "exploded / diverged", failedWithAccuracy, xOf, "#d62728", Svg.Marker.CROSS, false);
    addGroup(p, failedWithAccuracy.isEmpty() ? "exploded / diverged" : null, failedWithout, xOf, "#d62728",
        Svg.Marker.CROSS, true);
    addGroup(p, "best", trials.stream().filter(t -> t.id() == best && !t.failed()).toList(), xOf, "#111",
        Svg.Marker.RING, false);
    return p.render();
  }

  private static void addGroup(Plot p, String label, List<Trial> group, ToDoubleFunction<Trial> xOf,
      String colour, Svg.Marker marker, boolean pinBottom) {
    if (group.isEmpty()) {
      return;
    }
    double[] x = group.stream().mapToDouble(xOf).toArray();
    double[] y = group.stream().mapToDouble(Trial::accuracy).toArray();
    String[] tips = group.stream().map(Trial::tip).toArray(String[]::new);
    p.points(label, x, y, colour, marker, tips, pinBottom);
  }

  /**
   * The trials as a table, by best validation accuracy (failed ones last), with every key any trial
   * has; the best trial's cells of the settings in {@code edges} are marked, their message the tooltip.
   */
  static String leaderboard(List<Trial> trials, int best, Map<String, String> edges) {
    List<Trial> sorted = new ArrayList<>(trials);
    sorted.sort(Comparator.comparing((Trial t) -> !Double.isFinite(t.accuracy()))
        .thenComparing(Comparator.comparingDouble((Trial t) -> Double.isFinite(t.accuracy()) ? -t.accuracy() : 0))
        .thenComparingInt(Trial::id));
    Set<String> keys = new LinkedHashSet<>();
    for (String k : FIRST_COLUMNS) {
      if (trials.stream().anyMatch(t -> t.json().has(k))) {
        keys.add(k);
      }
    }
    trials.forEach(t -> t.json().fieldNames().forEachRemaining(keys::add));
    StringBuilder s = new StringBuilder("<table class=\"leaderboard\">\n<tr><th>rank</th>");
    keys.forEach(k -> s.append("<th>").append(Html.esc(k)).append("</th>"));
    s.append("</tr>\n");
    int rank = 1;
    for (Trial t : sorted) {
      String cls = t.id() == best ? " class=\"best\"" : t.failed() ? " class=\"failed\"" : "";
      s.append("<tr").append(cls).append("><td>").append(rank++).append("</td>");
      for (String k : keys) {
        JsonNode v = t.json().get(k);
        String text = v == null ? "" : "hidden".equals(k) && v.isArray() && v.isEmpty() ? "linear" : cell(v);
        String edge = t.id() == best ? edges.get(k) : null;
        String cellClass = edge != null ? " class=\"edge\" title=\"" + Html.esc(edge) + "\""
            : v != null && v.isTextual() && !isNumber(v.asText()) ? " class=\"k\"" : "";
        s.append("<td").append(cellClass).append('>').append(Html.esc(text)).append(edge == null ? "" : " ⚠").append("</td>");
      }
      s.append("</tr>\n");
    }
    return s.append("</table>\n").toString();
  }

  private static boolean isNumber(String text) {
    try {
      Double.parseDouble(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String cell(JsonNode v) {
    if (v.isNumber() && !v.isIntegralNumber()) {
      return Html.number(v.asDouble(), 4);
    }
    if (v.isValueNode()) {
      return Report.scalar(v);
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(x -> items.add(cell(x)));
      return String.join(",", items);
    }
    return v.toString();
  }

  /** The leaderboard's own keys other than the trials (search settings), if any. */
  private static String otherKeys(JsonNode board) {
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : board.properties()) {
      if (!"trials".equals(e.getKey()) && !"range_edges".equals(e.getKey())) {
        rows.add(List.of(Html.esc(e.getKey()), Html.esc(cell(e.getValue()))));
      }
    }
    return rows.isEmpty() ? "" : "<h2>Search settings</h2>\n" + Html.table("settings", List.of("key", "value"), rows);
  }
}
