package io.downhill.monitor;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * One self-overwriting console line for long work: what is done of what, the latest loss,
 * throughput and the time left. Drawn with carriage returns, at most five times a second, and only
 * when the output is a terminal ({@link #auto}): in a log file or a pipe it prints nothing, so batch
 * jobs' logs stay line by line.
 * <pre>
 *   epoch 3/10  step 120/212  loss 0.4312  41,230 rows/s  ETA 0:42
 * </pre>
 */
public final class ProgressBar {
  private static final long MIN_INTERVAL_NANOS = 200_000_000L;
  private final PrintWriter out;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int width;

  public ProgressBar(PrintWriter out, boolean enabled) {
    this.out = out;
    this.enabled = enabled;
  }

  /** Enabled when this JVM's standard output is an interactive terminal (and DOWNHILL_PROGRESS is not 0). */
  public static ProgressBar auto(PrintWriter out) {
    String env = System.getenv("DOWNHILL_PROGRESS");
    boolean on = env != null ? !env.equals("0") : isTerminal();
    return new ProgressBar(out, on);
  }

  /**
   * Java 17: a console exists only for a terminal. Java 22 and later always give one; there
   * {@code Console.isTerminal()} (called reflectively, since this builds for 17) tells.
   */
  static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * Whether {@link #update} would redraw now: the bar is on, and it was last drawn 200 ms ago or more
   * (or {@code done} reached {@code total}). A caller that builds its label per step asks first.
   */
  public boolean due(long done, long total) {
    return enabled && (System.nanoTime() - lastDraw >= MIN_INTERVAL_NANOS || done >= total);
  }

  /**
   * Redraws the line (unless drawn less than 200 ms ago): {@code label} (e.g. "epoch 3/10  step
   * 120/212  loss 0.43"), then {@code units} per second since the start and the time left at that
   * rate for {@code done} of {@code total}.
   */
  public void update(String label, long done, long total, double units, String unitName) {
    if (!due(done, total)) {
      return;
    }
    long now = System.nanoTime();
    lastDraw = now;
    double elapsed = (now - start) / 1e9;
    double left = done <= 0 ? Double.NaN : elapsed * (total - done) / done;
    String line = String.format(Locale.ROOT, "%s  %,.0f %s/s  ETA %s", label, units / Math.max(elapsed, 1e-9),
        unitName, clock(left));
    out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
    out.flush();
    width = line.length();
  }

  /** Clears the line so that the next regular line starts clean. */
  public void clear() {
    if (enabled && width > 0) {
      out.print("\r" + " ".repeat(width) + "\r");
      out.flush();
      width = 0;
    }
  }

  /** h:mm:ss or m:ss; "?" before the first unit is done. */
  static String clock(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
