package io.downhill.monitor;

import io.downhill.shard.Evaluation;
import io.downhill.train.EpochRecord;
import io.downhill.train.StepRecord;
import io.downhill.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A line per epoch on the console (loss, accuracies or a regression's RMSE, time per epoch and per step) and, on a
 * terminal, a {@link ProgressBar} between them.
 */
public final class ConsoleReporter implements TrainingListener {
  private final PrintWriter out;
  private final int epochs;
  private double lossSum;
  private long lossCount;
  private int stepsPerEpoch;
  private long rows;
  private final ProgressBar progress;

  public ConsoleReporter(PrintWriter out, int epochs) {
    this(out, epochs, ProgressBar.auto(out));
  }

  public ConsoleReporter(PrintWriter out, int epochs, ProgressBar progress) {
    this.out = out;
    this.epochs = epochs;
    this.progress = progress;
  }

  @Override
  public void onStart(int stepsPerEpoch, long trainRows, int partitions, int parameters) {
    this.stepsPerEpoch = stepsPerEpoch;
    out.printf(Locale.ROOT, "training: %d rows in %d partitions, %d steps per epoch, %d parameters%n", trainRows,
        partitions, stepsPerEpoch, parameters);
  }

  @Override
  public synchronized void onStep(StepRecord s) {
    lossSum += s.loss();
    lossCount++;
    rows += s.rows();
    bar(s.epoch(), s.step(), s.loss());
  }

  /** A collective segment's step as it goes: the bar moves (its record and rows come with onStep). */
  @Override
  public synchronized void onProgress(int epoch, long step, double loss) {
    bar(epoch, step, loss);
  }

  private void bar(int epoch, long step, double loss) {
    long total = (long) epochs * stepsPerEpoch;
    if (!progress.due(step + 1, total)) {
      return; // the label is formatted when the bar redraws (at most every 200 ms), not at every step
    }
    progress.update(String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.4f", epoch + 1, epochs,
        step % Math.max(1, stepsPerEpoch) + 1, stepsPerEpoch, loss), step + 1, total, rows, "rows");
  }

  @Override
  public synchronized void onEpoch(EpochRecord e) {
    progress.clear();
    out.printf(Locale.ROOT, "epoch %2d/%d  loss %.4f  %strain %s  val %s  test %s  %.1f s (%.1f ms/step)%n",
        e.epoch() + 1, epochs, lossCount == 0 ? Double.NaN : lossSum / lossCount,
        e.train() != null && e.train().isRegression() ? "RMSE " : "", acc(e.train()), acc(e.validation()),
        acc(e.test()), e.stepSeconds(), 1000 * e.stepSeconds() / Math.max(1, stepsPerEpoch));
    out.flush();
    lossSum = 0;
    lossCount = 0;
  }

  private static String acc(Evaluation e) {
    return e == null ? "  -   " : String.format(Locale.ROOT, "%.4f", e.isRegression() ? e.rmse() : e.accuracy());
  }
}
