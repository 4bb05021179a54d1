package io.downhill.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.downhill.shard.Split;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fit went through, typed, as Spark's {@code LogisticRegressionTrainingSummary} tells it
 * for Spark's own classifiers: per epoch the loss and accuracy (a regression: RMSE, MAE, R²) of
 * every split the fit evaluated (training rows, validation rows when {@code validationFraction > 0}),
 * the objective's history,
 * the iterations taken, and how training ended. Read from the JSON summary saved with the model
 * ({@code summary.json}, written by {@link DownhillSummary}), so a loaded model has it as well;
 * {@link #get} reaches the fields with no typed accessor (settings, versions, the data's identity,
 * a warm start's parent).
 *
 * <p>Metrics of the fitted model on any data: {@link DownhillClassificationModel#evaluate}; for a
 * {@link DownhillRegressionModel}, Spark's {@code RegressionEvaluator}.
 */
public final class DownhillTrainingSummary implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String json;
  private transient JsonNode node;

  private DownhillTrainingSummary(String json) {
    this.json = json;
  }

  /** The summary {@code json} holds (the text of a {@code summary.json}). */
  public static DownhillTrainingSummary parse(String json) {
    return new DownhillTrainingSummary(json);
  }

  /** The summary as JSON text, as saved in {@code summary.json}. */
  public String json() {
    return json;
  }

  /** One field, e.g. {@code get("stop_reason")}, {@code get("data_identity").get("fingerprint")}. */
  public JsonNode get(String field) {
    return node().path(field);
  }

  /** Epochs run (fewer than asked when early stopping ended the fit). */
  public int epochs() {
    return node().path("epoch_metrics").size();
  }

  /** Optimizer steps taken over the whole fit (for the {@code gd} optimizer, its iterations). */
  public long totalIterations() {
    return node().path("steps").asLong();
  }

  /**
   * Per epoch, the objective the optimizer minimised, evaluated over every training row at the
   * epoch's end: the rows' (weighted) mean loss. It is {@code loss(Split.TRAIN)}: Downhill
   * evaluates whole splits once per epoch, and records the loss without the regularization term.
   */
  public double[] objectiveHistory() {
    return loss(Split.TRAIN);
  }

  /** The splits evaluated every epoch: training, then validation and test where the fit had them. */
  public List<Split> splits() {
    List<Split> present = new ArrayList<>();
    JsonNode first = node().path("epoch_metrics").path(0);
    for (Split s : Split.values()) {
      if (first.has(s.key() + "_loss")) {
        present.add(s);
      }
    }
    return present;
  }

  /** Per epoch, a split's (weighted) mean loss; NaN where it was not finite or not evaluated. */
  public double[] loss(Split split) {
    return perEpoch(split.key() + "_loss");
  }

  /** Per epoch, a split's accuracy; NaN where it was not evaluated. */
  public double[] accuracy(Split split) {
    return perEpoch(split.key() + "_accuracy");
  }

  /** Per epoch, a regression's RMSE on a split; NaN where it was not evaluated (and for a classifier). */
  public double[] rmse(Split split) {
    return perEpoch(split.key() + "_rmse");
  }

  /** Per epoch, a regression's mean absolute error on a split; NaN where not evaluated (and for a classifier). */
  public double[] mae(Split split) {
    return perEpoch(split.key() + "_mae");
  }

  /** Per epoch, a regression's R² on a split; NaN where not evaluated (and for a classifier). */
  public double[] r2(Split split) {
    return perEpoch(split.key() + "_r2");
  }

  /** The epoch whose weights the model holds, from 1 (the best one under early stopping, else the last). */
  public int bestEpoch() {
    return node().path("best_epoch").asInt();
  }

  /** Why training ended: "epochs", "early stopping", ... */
  public String stopReason() {
    return node().path("stop_reason").asText();
  }

  private double[] perEpoch(String field) {
    JsonNode epochs = node().path("epoch_metrics");
    double[] out = new double[epochs.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = epochs.get(i).path(field);
      out[i] = v.isNumber() ? v.asDouble() : Double.NaN;
    }
    return out;
  }

  private JsonNode node() {
    if (node == null) {
      try {
        node = JSON.readTree(json);
      } catch (IOException e) {
        throw new UncheckedIOException("invalid summary JSON", e);
      }
    }
    return node;
  }
}
