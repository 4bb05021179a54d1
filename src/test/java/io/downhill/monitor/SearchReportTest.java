package io.downhill.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchReportTest {
  @TempDir
  Path tmp;

  @Test
  void searchReportPlotsAccuracyAgainstLearningRateAndRegularizationAndRanksTheTrials() throws IOException {
    Path dir = RunFixtures.search(tmp.resolve("search"));
    Path written = SearchReport.write(dir);
    assertEquals(dir.resolve("report.html"), written);
    String html = Files.readString(written);

    assertTrue(html.contains("data-plot=\"accuracy-vs-lr\""));
    assertTrue(html.contains("data-plot=\"accuracy-vs-reg\""));
    assertTrue(html.contains("learning rate (log scale)"));
    assertTrue(html.contains("regularization (log scale)"));
    for (String legend : List.of(">coarse</text>", ">fine</text>", ">exploded / diverged</text>", ">best</text>")) {
      assertTrue(html.contains(legend), "legend " + legend);
    }
    assertTrue(html.contains("<title>trial 13 (coarse): lr 3, reg 1e-4, val accuracy NaN, stop: loss exploded (3x initial)"
        + "</title>"), "the exploded trial is drawn, with its story as a tooltip");
    assertTrue(html.contains("1 trial(s) with regularization 0 or none are not on the second chart."));

    List<String> ids = firstColumnsOfLeaderboard(html);
    assertEquals(List.of("12", "11", "10", "9", "8", "7", "6", "15", "5", "4", "3", "2", "1", "13", "14"), ids,
        "sorted by accuracy, the failed trials last");
    assertTrue(html.contains("<tr class=\"best\"><td>1</td><td>12</td>"));
    assertTrue(html.contains("<tr class=\"failed\"><td>15</td><td>14</td>"));
    assertTrue(html.contains("<td>linear</td>"), "no hidden layers reads as linear");
    assertTrue(html.contains(Html.esc(RunFixtures.HOSTILE)));
    assertFalse(html.contains("<script"));
    assertTrue(html.contains("<td>budget</td><td>15 trials</td>"), "the leaderboard's other keys are listed");
    assertFalse(html.contains("<td>range_edges</td>"), "the range edges are warnings, not a setting");
    ReportTest.assertSelfContained(html);
    ReportTest.assertNoBadCoordinates(html);
  }

  @Test
  void aBestValueAtTheEdgeOfItsRangeIsAWarningAndAMarkedCell() throws IOException {
    String html = Files.readString(SearchReport.write(RunFixtures.search(tmp.resolve("edge"))));
    String message = "best reg 2e-6 sits at the bottom edge of [1e-6, 0.01] (8% of the way in log space): widen the"
        + " range downwards " + RunFixtures.HOSTILE;
    assertTrue(html.contains("<li class=\"warn\"><b>warn</b> " + Html.esc(message) + "</li>"), html);
    assertTrue(html.indexOf("class=\"warn\"") < html.indexOf("data-plot=\"accuracy-vs-lr\""), "under the headline");
    String best = html.substring(html.indexOf("<tr class=\"best\">"));
    best = best.substring(0, best.indexOf("</tr>"));
    assertEquals(1, count(best, "class=\"edge\""), "the best row's reg cell only: " + best);
    assertTrue(best.contains("<td class=\"edge\" title=\"" + Html.esc(message) + "\">"), best);
    assertEquals(1, count(html, "class=\"edge\""), "no other row is marked");
    assertFalse(html.contains("<script"));
  }

  @Test
  void markersDifferByStage() throws IOException {
    String html = Files.readString(SearchReport.write(RunFixtures.search(tmp.resolve("s"))));
    String lr = html.substring(html.indexOf("data-plot=\"accuracy-vs-lr\""), html.indexOf("data-plot=\"accuracy-vs-reg\""));
    assertEquals(8 + 1, count(lr, "fill=\"" + Svg.colour(0) + "\""), "8 coarse circles and one in the legend");
    assertTrue(count(lr, "stroke=\"#d62728\"") >= 2, "two failed trials as red crosses");
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static List<String> firstColumnsOfLeaderboard(String html) {
    String table = html.substring(html.indexOf("<table class=\"leaderboard\">"));
    table = table.substring(0, table.indexOf("</table>"));
    Matcher m = Pattern.compile("<tr[^>]*><td>\\d+</td><td>(\\d+)</td>").matcher(table);
    List<String> ids = new ArrayList<>();
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }
}
