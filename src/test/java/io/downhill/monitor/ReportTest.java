package io.downhill.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir
  Path tmp;

  private static final Pattern IMAGE = Pattern.compile("<image [^>]*href=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

  @Test
  void reportOfANetworkRunHasEveryPlotTheWeightPicturesAndEscapedSettings() throws IOException {
    Path dir = RunFixtures.mlpRun(tmp.resolve("run"), 3, 40);
    Path written = Report.write(dir);
    assertEquals(dir.resolve("report.html"), written);
    String html = Files.readString(written, StandardCharsets.UTF_8);

    for (String plot : List.of("loss", "accuracy", "epoch-loss", "update-ratio", "updates-W1", "updates-W2",
        "weights-W1", "weights-W2", "histogram-W1", "histogram-W2", "first-layer-weights", "confusion")) {
      assertTrue(html.contains("data-plot=\"" + plot + "\""), "no plot " + plot);
    }
    List<byte[]> pngs = images(html);
    assertEquals(32, pngs.size(), "one picture per hidden unit of W1");
    BufferedImage first = ImageIO.read(new ByteArrayInputStream(pngs.get(0)));
    assertEquals(28, first.getWidth());
    assertEquals(28, first.getHeight());
    assertTrue(range(first) == 255, "each picture is scaled to the full 0..255 range");

    assertTrue(html.contains(Html.esc(RunFixtures.HOSTILE)), "the data name appears escaped");
    assertFalse(html.contains("<script"), "no script, and the hostile text is not live");
    assertTrue(html.contains("<td>dead_units.h1</td><td>0.03</td>"), "nested scalars are flattened into the settings");
    assertTrue(html.contains("<td>image_shape</td><td>[28, 28]</td>"));
    assertTrue(html.contains("1e-3 rule of thumb"));
    String updates = html.substring(html.indexOf("<table class=\"updates\">"));
    updates = updates.substring(0, updates.indexOf("</table>"));
    assertTrue(updates.contains("<th>update std / weight std</th>"), updates);
    assertEquals(2, updates.split("<tr>").length - 2, "a row per layer: " + updates);
    // the fixture's update std is ratio x weight std, with W2's ratio 3e-3 x (1 + U(0, 1)): the median near 4.5e-3
    Matcher w2 = Pattern.compile("<td>W2</td>(?:<td>[^<]*</td>){4}<td>([^<]*)</td>").matcher(updates);
    assertTrue(w2.find(), updates);
    assertEquals(4.5e-3, Double.parseDouble(w2.group(1)), 0.4e-3, updates);
    assertTrue(html.contains("class=\"ok\""), "the diagnosis is in the page: " + html);
    assertSelfContained(html);
    assertNoBadCoordinates(html);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("metrics.jsonl", "model", "report.html", "summary.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file is left behind");
    }
  }

  @Test
  void oldRunWithoutLayerStatisticsGetsNotesAndRgbPicturesForCifar() throws IOException {
    Path dir = RunFixtures.cifarLinearRun(tmp.resolve("cifar"));
    String html = Files.readString(Report.write(dir));
    assertTrue(html.contains("No per-layer statistics in metrics.jsonl"));
    assertFalse(html.contains("data-plot=\"update-ratio\""));
    assertTrue(html.contains("data-plot=\"histogram-W\""));
    assertTrue(html.contains("No confusion matrix in summary.json."));
    List<byte[]> pngs = images(html);
    assertEquals(10, pngs.size(), "one picture per class");
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(pngs.get(3)));
    assertEquals(32, img.getWidth());
    assertEquals(3, img.getColorModel().getNumColorComponents(), "CIFAR weights are drawn in colour");
    assertSelfContained(html);
  }

  @Test
  void folderWithNothingInItStillGetsAPage() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    String html = Files.readString(Report.write(dir));
    assertTrue(html.contains("No step lines in metrics.jsonl."));
    assertTrue(html.contains("No loadable model"));
    assertTrue(html.contains("healthy"), html);
  }

  @Test
  void aDivergedRunIsDrawnUpToItsLastFiniteStepAndWarned() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("diverged"));
    List<String> lines = new ArrayList<>();
    double[] losses = {2.3, 1.9, 4.0, 40.0, 900.0, Double.POSITIVE_INFINITY, Double.NaN};
    for (int i = 0; i < losses.length; i++) {
      lines.add(RunFixtures.JSON.writeValueAsString(RunFixtures.stepLine(i + 1, 1, losses[i])));
    }
    lines.add("{\"type\":\"step\",\"step\":8,\"epoch\":1,\"loss\":NaN}"); // a bare NaN token reads too
    Files.write(dir.resolve(RunFiles.METRICS), lines);
    String html = Files.readString(Report.write(dir));
    assertTrue(html.contains("<li class=\"warn\"><b>warn</b> learning rate too high: the run diverged (loss not finite"
        + " at step 6"), html);
    assertTrue(html.contains("log scale since the loss spans more than 10x"));
    assertNoBadCoordinates(html);
  }

  @Test
  void longSeriesAreThinnedForDrawing() throws IOException {
    Path dir = RunFixtures.mlpRun(tmp.resolve("long"), 2, 6000);
    String html = Files.readString(Report.write(dir));
    Matcher loss = Pattern.compile("data-plot=\"loss\".*?</svg>", Pattern.DOTALL).matcher(html);
    assertTrue(loss.find());
    Matcher paths = Pattern.compile("<path class=\"mark\" d=\"([^\"]*)\"").matcher(loss.group());
    int lines = 0;
    while (paths.find()) {
      long points = paths.group(1).chars().filter(c -> c == 'L' || c == 'M').count();
      assertTrue(points <= Svg.MAX_POINTS, points + " points drawn");
      assertTrue(points > Svg.MAX_POINTS / 2, "but not too few: " + points);
      lines++;
    }
    assertEquals(2, lines, "the loss and its moving average");
    // bounded by the thinning, not the steps: six charts over the steps, two of them the updates
    assertTrue(html.length() < 750_000, "report of 12000 steps is " + html.length() + " characters");
  }

  static void assertSelfContained(String html) {
    String withoutNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertFalse(withoutNamespace.contains("http://") || withoutNamespace.contains("https://"), "a network reference");
    assertFalse(html.contains("src=\""), "nothing loaded by src");
    assertFalse(html.contains("<link"), "no external style sheet");
    assertTrue(html.contains("Content-Security-Policy"));
  }

  static void assertNoBadCoordinates(String html) {
    Matcher attrs = Pattern.compile("(?: d| x| y| width| height)=\"([^\"]*)\"").matcher(html);
    while (attrs.find()) {
      String v = attrs.group(1);
      assertFalse(v.contains("NaN") || v.contains("Infinity"), "bad coordinate " + v);
    }
  }

  static List<byte[]> images(String html) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = IMAGE.matcher(html);
    while (m.find()) {
      out.add(Base64.getDecoder().decode(m.group(1)));
    }
    return out;
  }

  private static int range(BufferedImage img) {
    int min = 255;
    int max = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int v = img.getRaster().getSample(x, y, 0);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    return max - min;
  }
}
