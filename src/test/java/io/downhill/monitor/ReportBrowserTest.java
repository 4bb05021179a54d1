package io.downhill.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the reports in headless Chromium and checks that the charts are really drawn, not just
 * present in the markup: a probe script, added to a copy of the page (the reports themselves have
 * no script, and their Content-Security-Policy is widened for inline scripts only), measures on
 * load the bounding box of every chart's marks (all of them, with a non-empty union), loads every
 * embedded PNG into an {@code Image} (naturalWidth > 0) and checks, through a canvas, that it has
 * more than one colour, and writes the results into {@code <body data-...>}, which {@code --dump-dom}
 * prints. A screenshot of the page must not be blank. Skipped when no Chromium is installed
 * ({@code apt-get install chromium}; {@code .ci/run} installs it); {@code DOWNHILL_CHROMIUM} names
 * another binary.
 */
class ReportBrowserTest {
  private static final long TIMEOUT_SECONDS = 60;

  private static final String PROBE = """
      <script>
      window.addEventListener('load', async () => {
        const plots = [];
        for (const el of document.querySelectorAll('[data-plot]')) {
          const r = el.getBoundingClientRect();
          let state = r.width > 0 && r.height > 0 ? 'ok' : 'hidden';
          let detail = 'table';
          if (el instanceof SVGSVGElement) {
            const marks = el.querySelectorAll('.mark');
            let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, drawn = 0;
            for (const m of marks) {
              const b = m.getBBox();
              if (b.width > 0 || b.height > 0) {
                drawn++;
                x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
                x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
              }
            }
            if (!(drawn > 0 && x1 - x0 > 0 && y1 - y0 > 0)) state = 'empty';
            detail = drawn + '/' + marks.length;
          }
          plots.push(el.dataset.plot + ':' + state + ':' + detail);
        }
        const images = [...document.querySelectorAll('svg image')];
        let decoded = 0, varied = 0;
        const canvas = document.createElement('canvas');
        const ctx = canvas.getContext('2d', {willReadFrequently: true});
        // all at once: awaiting img.decode() one by one stalls under --virtual-time-budget
        const loaded = await Promise.all(images.map(im => new Promise(resolve => {
          const img = new Image();
          img.onload = () => resolve(img);
          img.onerror = () => resolve(null);
          img.src = im.getAttribute('href');
        })));
        for (const img of loaded) {
          if (img && img.naturalWidth > 0 && img.naturalHeight > 0) {
            decoded++;
            canvas.width = img.naturalWidth;
            canvas.height = img.naturalHeight;
            ctx.drawImage(img, 0, 0);
            const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 4; i < px.length; i += 4) {
              if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2]) { varied++; break; }
            }
          }
        }
        document.body.dataset.plots = plots.join(',');
        document.body.dataset.images = decoded + '/' + varied + '/' + images.length;
        document.body.dataset.probed = 'yes';
      });
      </script>
      """;

  private static Optional<String> chromium;

  @TempDir
  Path tmp;

  @BeforeAll
  static void findChromium() {
    chromium = findBinary();
  }

  @Test
  void runReportChartsAndWeightPicturesAreDrawnByABrowser() throws Exception {
    assumeChromium();
    Path run = RunFixtures.mlpRun(tmp.resolve("run"), 3, 40);
    Path report = Report.write(run);
    Map<String, String> plots = probe(report);
    for (String name : List.of("loss", "accuracy", "epoch-loss", "update-ratio", "weights-W1", "weights-W2",
        "histogram-W1", "histogram-W2", "first-layer-weights", "confusion")) {
      assertTrue(plots.containsKey(name), "plot " + name + " not found by the browser: " + plots);
      assertTrue(plots.get(name).startsWith("ok"), "plot " + name + " is not drawn: " + plots.get(name));
      assertAllMarksDrawn(name, plots.get(name));
    }
    assertEquals("32/32/32", lastImages, "images decoded / with more than one colour / embedded");

    Path png = screenshot(report);
    BufferedImage shot = ImageIO.read(png.toFile());
    double inked = inkedFraction(shot);
    assertTrue(inked > 0.02, "the screenshot is (almost) blank: " + inked + " of its pixels are not white");
  }

  @Test
  void searchReportScatterPlotsAreDrawnByABrowser() throws Exception {
    assumeChromium();
    Path report = SearchReport.write(RunFixtures.search(tmp.resolve("search")));
    Map<String, String> plots = probe(report);
    assertEquals(List.of("accuracy-vs-lr", "accuracy-vs-reg"), new ArrayList<>(plots.keySet()));
    plots.forEach((name, state) -> assertTrue(state.startsWith("ok"), name + " is not drawn: " + state));
    plots.forEach(ReportBrowserTest::assertAllMarksDrawn);
    assertEquals("ok:16/16", plots.get("accuracy-vs-lr"), "15 trials and the best's ring");
  }

  /** "ok:12/12": every mark of the chart has a non-empty box in the browser. */
  private static void assertAllMarksDrawn(String name, String state) {
    String[] counts = state.substring(state.indexOf(':') + 1).split("/");
    if (counts.length == 2) {
      assertEquals(counts[1], counts[0], name + ": marks drawn / marks");
    }
  }

  private static void assumeChromium() {
    Assumptions.assumeTrue(chromium.isPresent(), "no Chromium found (looked for $DOWNHILL_CHROMIUM, chromium,"
        + " chromium-browser, google-chrome on PATH): skipping the browser test; install it with apt-get install chromium");
  }

  private String lastImages;

  /** Loads a probed copy of {@code report} and returns each plot's "ok|empty|hidden:drawn/marks". */
  private Map<String, String> probe(Path report) throws Exception {
    String html = Files.readString(report, StandardCharsets.UTF_8);
    String probed = html.replace(Html.CSP, Html.CSP + "; script-src 'unsafe-inline'").replace("</body>", PROBE + "</body>");
    Path page = report.resolveSibling("probe.html");
    Files.writeString(page, probed, StandardCharsets.UTF_8);
    String dom = runChromium(List.of("--virtual-time-budget=10000", "--dump-dom", page.toUri().toString()), "dom");
    assertTrue(dom.contains("data-probed=\"yes\""), "the probe did not finish: " + tail(dom));
    lastImages = attribute(dom, "data-images");
    Map<String, String> plots = new LinkedHashMap<>();
    for (String p : attribute(dom, "data-plots").split(",")) {
      int colon = p.indexOf(':');
      if (colon > 0) {
        plots.put(p.substring(0, colon), p.substring(colon + 1));
      }
    }
    return plots;
  }

  private Path screenshot(Path report) throws Exception {
    Path png = tmp.resolve("screenshot.png");
    runChromium(List.of("--window-size=1300,2400", "--hide-scrollbars", "--screenshot=" + png, report.toUri().toString()),
        "screenshot");
    assertTrue(Files.size(png) > 0, "no screenshot written");
    return png;
  }

  /** Runs Chromium headless with a fresh profile; returns its standard output. Killed after the timeout. */
  private String runChromium(List<String> args, String name) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(chromium.get(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--user-data-dir=" + Files.createTempDirectory(tmp, "profile-")));
    cmd.addAll(args);
    Path out = tmp.resolve(name + ".out");
    Path err = tmp.resolve(name + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + String.join(" ", cmd) + "\n"
          + tail(Files.readString(err)));
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      fail("Chromium exited with " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + tail(Files.readString(err)));
    }
    return stdout;
  }

  private static String attribute(String dom, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom);
    assertTrue(m.find(), "no " + name + " in the page: " + tail(dom));
    return m.group(1);
  }

  /** The fraction of pixels that are not (nearly) white. */
  private static double inkedFraction(BufferedImage img) {
    long inked = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (r < 240 || g < 240 || b < 240) {
          inked++;
        }
      }
    }
    return inked / (double) ((long) img.getWidth() * img.getHeight());
  }

  private static String tail(String s) {
    return s.length() <= 2000 ? s : "..." + s.substring(s.length() - 2000);
  }

  private static Optional<String> findBinary() {
    String named = System.getenv("DOWNHILL_CHROMIUM");
    if (named != null && !named.isBlank()) {
      return Files.isExecutable(Path.of(named)) ? Optional.of(named) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String binary : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, binary);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate.toString());
        }
      }
    }
    return Optional.empty();
  }
}
