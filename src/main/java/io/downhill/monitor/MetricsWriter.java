package io.downhill.monitor;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.downhill.shard.Evaluation;
import io.downhill.shard.Split;
import io.downhill.train.EpochRecord;
import io.downhill.train.LayerStats;
import io.downhill.train.StepRecord;
import io.downhill.train.TrainingListener;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code metrics.jsonl}: one JSON object per line. Steps and epochs count from 1.
 * <pre>
 *   {"type":"step","step":1,"epoch":1,"loss":2.30,"data_loss":2.30,"lr":0.1,"grad_norm":1.2,"rows":256,"seconds":0.021,
 *    "compute_seconds":0.008,"layers":{"W1":{"update_ratio":1.1e-3,"min":-0.2,"max":0.3,"mean":1e-4,"std":0.05,
 *    "update_min":-4e-4,"update_max":5e-4,"update_mean":-1e-7,"update_std":6e-5},...}}
 *   {"type":"epoch","epoch":1,"steps":211,"lr":0.1,"seconds":4.1,"eval_seconds":0.6,
 *    "train_loss":0.61,"train_accuracy":0.80,"val_loss":...,"val_accuracy":...,"test_loss":...,"test_accuracy":...}
 * </pre>
 * A step's {@code layers} are {@link LayerStats}: per weight matrix the update ratio ‖ΔW‖/‖W‖, the
 * weights' min/max/mean/std after the step and the update ΔW's ({@code update_*}).
 * A regression run has {@code SPLIT_rmse}, {@code SPLIT_mae} and {@code SPLIT_r2} instead of the accuracies.
 * Flushed at the end of every epoch.
 */
public final class MetricsWriter implements TrainingListener, Closeable {
  /**
   * Doubles written with Jackson's Schubfach writer: the shortest decimal that reads back as the same
   * double, faster than Java 17's Double.toString, the largest single cost of the driver's record of
   * a collective segment's steps in a JFR profile of a 784-100-10 run.
   */
  private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();
  private final BufferedWriter out;

  public MetricsWriter(Path file) throws IOException {
    this(file, false);
  }

  /** With {@code append}, continues a file that holds an earlier part of the run (a resume). */
  public MetricsWriter(Path file, boolean append) throws IOException {
    this.out = append
        ? Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND)
        : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  /** Writes out what is buffered (before a checkpoint copies the file). */
  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics.jsonl", e);
    }
  }

  @Override
  public void onStep(StepRecord s) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "step");
    line.put("step", s.step() + 1);
    line.put("epoch", s.epoch() + 1);
    RunFiles.putMetric(line, "loss", s.loss());
    RunFiles.putMetric(line, "data_loss", s.dataLoss());
    line.put("lr", s.lr());
    RunFiles.putMetric(line, "grad_norm", s.gradNorm());
    line.put("rows", s.rows());
    line.put("seconds", s.seconds());
    line.put("compute_seconds", s.computeSeconds());
    if (!s.layers().isEmpty()) {
      ObjectNode layers = line.putObject("layers");
      for (LayerStats l : s.layers()) {
        ObjectNode o = layers.putObject(l.name());
        o.put("update_ratio", l.updateRatio());
        o.put("min", l.min());
        o.put("max", l.max());
        o.put("mean", l.mean());
        o.put("std", l.std());
        o.put("update_min", l.updateMin());
        o.put("update_max", l.updateMax());
        o.put("update_mean", l.updateMean());
        o.put("update_std", l.updateStd());
      }
    }
    write(line, false);
  }

  @Override
  public void onEpoch(EpochRecord e) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "epoch");
    line.put("epoch", e.epoch() + 1);
    line.put("steps", e.steps());
    line.put("lr", e.lr());
    line.put("seconds", e.stepSeconds());
    line.put("eval_seconds", e.evalSeconds());
    for (Split split : Split.values()) {
      Evaluation ev = e.get(split);
      if (ev != null) {
        RunFiles.putMetric(line, split.key() + "_loss", ev.loss());
        RunFiles.putScores(line, split.key(), ev);
      }
    }
    write(line, true);
  }

  private void write(ObjectNode line, boolean flush) {
    try {
      out.write(JSON.writeValueAsString(line));
      out.newLine();
      if (flush) {
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics.jsonl", e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
