package io.downhill.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.downhill.model.Model;
import io.downhill.model.ModelFiles;
import io.downhill.model.ParameterLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code report.html} of a training run: one self-contained page (inline SVG and CSS, PNG data
 * URIs, no scripts, nothing fetched) drawn from the run's output folder only, so it can be written
 * at the end of {@code train} and rewritten later for any old run. The charts are SVG generated
 * here in Java (see {@link Svg}): no JavaScript plotting library, since fetched code may not go into
 * the repository, and markup made on the server is self-contained and testable.
 *
 * <p>What it shows, in the order one checks a run:
 * <ol>
 *   <li>the {@link Diagnosis};</li>
 *   <li>the loss per step with its moving average (50 steps, or a tenth of a shorter run; log y
 *       when the loss spans more than 10x):
 *       whether and how fast it learns;</li>
 *   <li>accuracy and loss per epoch on train, validation and test: the generalization gap;</li>
 *   <li>the update/weight ratio ‖ΔW‖/‖W‖ of each layer per step on a log axis, against the
 *       rule of thumb 1e-3 (band 1e-4 to 1e-2): a learning rate per layer that is too high or low;</li>
 *   <li>each layer's update ΔW per step (min, max, mean ± std) with a table of its medians beside
 *       the weights' std;</li>
 *   <li>each layer's weight min, max and mean ± std over the steps: drift, blow-up or collapse
 *       (these three sections: {@link LayerCharts});</li>
 *   <li>histograms of the final weights, and for image data the first layer's weights as pictures
 *       (see {@link WeightImages});</li>
 *   <li>the confusion matrix as a heat-map table;</li>
 *   <li>every scalar setting and result of {@code summary.json}.</li>
 * </ol>
 * Missing pieces (an old run without per-layer statistics, no model, no epochs) leave a note, not
 * an error. All text from the files is escaped.
 */
public final class Report {
  private Report() {}

  public static final String FILE = "report.html";
  /** The loss's moving average spans this many steps, or a tenth of a shorter run. */
  static final int LOSS_WINDOW = 50;
  static final int HISTOGRAM_BINS = 40;
  private static final String[] SPLITS = {"train", "val", "test"};
  private static final String[] SPLIT_NAMES = {"train", "validation", "test"};

  /** Writes {@code runDir/report.html} (atomically: a temporary file in the same folder, then a move) and returns its path. */
  public static Path write(Path runDir) throws IOException {
    RunFiles run = RunFiles.read(runDir);
    Path target = runDir.resolve(FILE);
    RunFiles.writeAtomically(target, html(run, run.loadModel()));
    return target;
  }

  /** The page for {@code run} and its saved model (if any). */
  static String html(RunFiles run, Optional<ModelFiles.Saved> model) {
    StringBuilder b = new StringBuilder(64 * 1024);
    String title = title(run);
    b.append("<h1>").append(Html.esc(title)).append("</h1>\n").append(subtitle(run));
    b.append("<h2>Diagnosis</h2>\n").append(diagnosis(Diagnosis.of(run)));
    b.append("<h2>Loss per step</h2>\n").append(lossPerStep(run));
    b.append("<h2>Per epoch</h2>\n").append(perEpoch(run));
    b.append("<h2>Update / weight ratio per layer</h2>\n").append(LayerCharts.updateRatios(run));
    b.append("<h2>Updates per layer</h2>\n").append(LayerCharts.updates(run));
    b.append("<h2>Weights over the steps</h2>\n").append(LayerCharts.weights(run));
    b.append("<h2>Final weights</h2>\n").append(finalWeights(run, model));
    b.append("<h2>Confusion matrix</h2>\n").append(confusion(run.summary().path("confusion_matrix")));
    b.append("<h2>Settings and results</h2>\n").append(settings(run.summary()));
    b.append(Html.note("Written by Downhill from metrics.jsonl, summary.json and model/; self-contained: no scripts,"
        + " nothing loaded from the network."));
    return Html.page("Downhill: " + title, b.toString());
  }

  private static String title(RunFiles run) {
    String arch = run.text("architecture").isEmpty() ? run.text("model") : run.text("architecture");
    String data = run.text("data");
    if (!arch.isEmpty()) {
      return arch + (data.isEmpty() ? "" : " on " + data);
    }
    String name = run.dir() == null ? "" : String.valueOf(run.dir().toAbsolutePath().getFileName());
    return name.isEmpty() ? "training run" : name;
  }

  private static String subtitle(RunFiles run) {
    List<String> parts = new ArrayList<>();
    for (String key : new String[] {"loss", "optimizer_settings", "schedule", "regularization", "batch_size", "epochs_run"}) {
      String v = run.text(key);
      if (!v.isEmpty()) {
        parts.add(key.replace('_', ' ') + " " + v);
      }
    }
    for (int i = 0; i < SPLITS.length; i++) {
      double acc = run.number(SPLITS[i] + "_accuracy");
      if (Double.isFinite(acc)) {
        parts.add(SPLIT_NAMES[i] + " accuracy " + Html.number(acc));
      }
      double rmse = run.number(SPLITS[i] + "_rmse");
      if (Double.isFinite(rmse)) {
        parts.add(SPLIT_NAMES[i] + " RMSE " + Html.number(rmse) + ", MAE " + Html.number(run.number(SPLITS[i] + "_mae"))
            + ", R² " + Html.number(run.number(SPLITS[i] + "_r2")));
      }
    }
    double fit = run.number("fit_seconds");
    if (Double.isFinite(fit)) {
      parts.add(Html.number(fit, 3) + " s");
    }
    return parts.isEmpty() ? "" : "<p class=\"sub\">" + Html.esc(String.join(" · ", parts)) + "</p>\n";
  }

  static String diagnosis(List<Diagnosis.Finding> findings) {
    StringBuilder s = new StringBuilder("<ul class=\"diagnosis\">\n");
    for (Diagnosis.Finding f : findings) {
      s.append("<li class=\"").append(f.isWarning() ? "warn" : "ok").append("\"><b>").append(Html.esc(f.severity()))
          .append("</b> ").append(Html.esc(f.message())).append("</li>\n");
    }
    return s.append("</ul>\n").toString();
  }

  private static String lossPerStep(RunFiles run) {
    List<RunFiles.Step> steps = run.steps();
    if (steps.isEmpty()) {
      return Html.note("No step lines in metrics.jsonl.");
    }
    double[] x = new double[steps.size()];
    double[] loss = new double[steps.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = steps.get(i).step();
      loss[i] = steps.get(i).loss();
    }
    boolean log = spansTenfold(loss);
    int window = Math.max(1, Math.min(LOSS_WINDOW, steps.size() / 10));
    Plot p = new Plot("loss", "Training loss per step (minibatch, with regularization)", "step", "loss")
        .logY(log)
        .line("loss", x, loss, "#9ecae1", 1.0, false)
        .line(window + "-step moving average", x, Svg.movingAverage(loss, window), "#08519c", 2.0, false);
    return "<div class=\"plots\">" + p.render() + "</div>\n" + Html.note(steps.size() + " steps"
        + (steps.size() > Svg.MAX_POINTS ? ", drawn as each bucket's lowest and highest point" : "")
        + (log ? "; log scale since the loss spans more than 10x" : "") + ".");
  }

  /** Whether the finite positive values span more than a factor 10. */
  static boolean spansTenfold(double[] v) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (double d : v) {
      if (Double.isFinite(d) && d > 0) {
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
    }
    return max > 10 * min;
  }

  private static String perEpoch(RunFiles run) {
    List<RunFiles.Epoch> epochs = run.epochs();
    if (epochs.isEmpty()) {
      return Html.note("No epoch lines in metrics.jsonl.");
    }
    double[] x = epochs.stream().mapToDouble(RunFiles.Epoch::epoch).toArray();
    boolean regression = epochs.stream().anyMatch(e -> Double.isFinite(e.rmse("train")));
    Plot acc = regression ? new Plot("rmse", "RMSE per epoch (regression)", "epoch", "RMSE").integerX()
        : new Plot("accuracy", "Accuracy per epoch", "epoch", "accuracy").integerX();
    Plot loss = new Plot("epoch-loss", "Loss per epoch (data loss on each split)", "epoch", "loss").integerX();
    Svg.Marker[] markers = {Svg.Marker.CIRCLE, Svg.Marker.SQUARE, Svg.Marker.TRIANGLE};
    for (int i = 0; i < SPLITS.length; i++) {
      String split = SPLITS[i];
      double[] a = epochs.stream().mapToDouble(e -> regression ? e.rmse(split) : e.accuracy(split)).toArray();
      double[] l = epochs.stream().mapToDouble(e -> e.loss(split)).toArray();
      if (anyFinite(a)) {
        acc.line(null, x, a, Svg.colour(i)).points(SPLIT_NAMES[i], x, a, Svg.colour(i), markers[i], null, false);
      }
      if (anyFinite(l)) {
        loss.line(null, x, l, Svg.colour(i)).points(SPLIT_NAMES[i], x, l, Svg.colour(i), markers[i], null, false);
      }
    }
    return "<div class=\"plots\">" + acc.render() + loss.render() + "</div>\n";
  }

  private static String finalWeights(RunFiles run, Optional<ModelFiles.Saved> model) {
    if (model.isEmpty()) {
      return Html.note("No loadable model in model/.");
    }
    ModelFiles.Saved m = model.get();
    ParameterLayout layout = Model.of(m.spec()).layout();
    StringBuilder s = new StringBuilder("<div class=\"plots\">");
    for (ParameterLayout.Slice slice : layout.slices()) {
      if (slice.role() == ParameterLayout.Role.WEIGHT) {
        s.append(histogram(m.theta(), slice));
      }
    }
    s.append("</div>\n");
    Optional<int[]> shape = run.imageShape(model);
    ParameterLayout.Slice first = layout.slices().get(0);
    if (shape.isPresent()) {
      String grid = WeightImages.grid("first-layer-weights", m.theta(), first, shape.get(),
          m.spec().isLinear() ? "class" : "unit");
      if (grid == null) {
        s.append(Html.note("The image shape " + Arrays.toString(shape.get()) + " does not match the "
            + first.rows() + " inputs of " + first.name() + "."));
      } else {
        s.append("<div class=\"plots\">").append(grid).append("</div>\n").append(Html.note("Each picture is one column of "
            + first.name() + " reshaped to the input image and scaled to black (its lowest weight) .. white (its highest)."));
      }
    }
    return s.toString();
  }

  /** A histogram of one weight matrix's finite values. */
  static String histogram(double[] theta, ParameterLayout.Slice slice) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = slice.offset(); i < slice.end(); i++) {
      if (Double.isFinite(theta[i])) {
        min = Math.min(min, theta[i]);
        max = Math.max(max, theta[i]);
      }
    }
    if (max == min) {
      max = min + 1e-12;
    }
    double[] count = new double[HISTOGRAM_BINS];
    for (int i = slice.offset(); i < slice.end(); i++) {
      if (Double.isFinite(theta[i])) {
        count[Math.min(HISTOGRAM_BINS - 1, (int) ((theta[i] - min) / (max - min) * HISTOGRAM_BINS))]++;
      }
    }
    double[] x0 = new double[HISTOGRAM_BINS];
    double[] x1 = new double[HISTOGRAM_BINS];
    for (int b = 0; b < HISTOGRAM_BINS; b++) {
      x0[b] = min + b * (max - min) / HISTOGRAM_BINS;
      x1[b] = min + (b + 1) * (max - min) / HISTOGRAM_BINS;
    }
    return new Plot("histogram-" + slice.name(), slice.name() + " (" + slice.rows() + " x " + slice.cols()
        + "): final weights", "weight", "count").size(430, 260).bars(null, x0, x1, count, "#4c78a8").render();
  }

  /** The confusion matrix as a table, each cell shaded by its share of its row (the true class). */
  static String confusion(JsonNode cm) {
    JsonNode matrix = cm.path("matrix");
    if (!matrix.isArray() || matrix.isEmpty()) {
      return Html.note("No confusion matrix in summary.json.");
    }
    int k = matrix.size();
    StringBuilder s = new StringBuilder("<table class=\"confusion\" data-plot=\"confusion\">\n<tr><th class=\"k\">")
        .append(Html.esc(cm.path("rows").asText("true class"))).append(" \\ ")
        .append(Html.esc(cm.path("columns").asText("predicted class"))).append("</th>");
    for (int j = 0; j < k; j++) {
      s.append("<th>").append(j).append("</th>");
    }
    s.append("<th>rows</th><th>recall</th></tr>\n");
    for (int i = 0; i < k; i++) {
      JsonNode row = matrix.get(i);
      double total = 0;
      for (JsonNode c : row) {
        total += c.asDouble();
      }
      s.append("<tr><th>").append(i).append("</th>");
      for (int j = 0; j < row.size(); j++) {
        double v = row.get(j).asDouble();
        double share = total > 0 ? v / total : 0;
        String bg = i == j ? "44,160,44" : "214,39,40";
        s.append("<td style=\"background:rgba(").append(bg).append(',').append(Svg.c(Math.min(1, share * 1.2)))
            .append(")").append(share > 0.55 ? ";color:#fff" : "").append("\" title=\"").append(Html.number(100 * share, 3))
            .append("% of class ").append(i).append("\">").append(Html.number(v)).append("</td>");
      }
      s.append("<td>").append(Html.number(total)).append("</td><td>")
          .append(total > 0 ? Html.number(row.path(i).asDouble() / total, 3) : "").append("</td></tr>\n");
    }
    return s.append("</table>\n").append(Html.note("Split: " + cm.path("split").asText("?")
        + ". Green: right, red: wrong; the shade is the cell's share of its row.")).toString();
  }

  /** summary.json's scalar entries (and one level of objects or arrays of scalars) as a two-column table. */
  static String settings(JsonNode summary) {
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : summary.properties()) {
      JsonNode v = e.getValue();
      if (v.isValueNode()) {
        rows.add(List.of(Html.esc(e.getKey()), Html.esc(scalar(v))));
      } else if (v.isArray() && allScalars(v)) {
        List<String> items = new ArrayList<>();
        v.forEach(x -> items.add(scalar(x)));
        rows.add(List.of(Html.esc(e.getKey()), Html.esc("[" + String.join(", ", items) + "]")));
      } else if (v.isObject() && allScalars(v)) {
        v.properties().forEach(c -> rows.add(List.of(Html.esc(e.getKey() + "." + c.getKey()),
            Html.esc(scalar(c.getValue())))));
      }
    }
    if (rows.isEmpty()) {
      return Html.note("No summary.json.");
    }
    return Html.table("settings", List.of("key", "value"), rows);
  }

  private static boolean allScalars(JsonNode container) {
    for (JsonNode c : container) {
      if (!c.isValueNode()) {
        return false;
      }
    }
    return true;
  }

  static String scalar(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.asText();
    }
    if (v.isNumber()) {
      return Html.number(v.asDouble(), 6);
    }
    return v.isNull() ? "null" : v.asText();
  }

  static boolean anyFinite(double[] v) {
    for (double d : v) {
      if (Double.isFinite(d)) {
        return true;
      }
    }
    return false;
  }
}
