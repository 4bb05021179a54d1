package io.downhill.cli;

import io.downhill.data.BadInputException;
import io.downhill.train.DivergedException;
import java.io.PrintStream;

/** Exit codes of every command, and the one-line report of a failure. */
public final class ExitCodes {
  public static final int OK = 0;
  /** A check failed (gradient check above threshold), or an unexpected internal error. */
  public static final int FAILED = 1;
  /** Bad input: missing or malformed data, unknown flag, nonsense setting. Nothing was written to --out. */
  public static final int BAD_INPUT = 2;
  /** The loss or gradient became NaN or infinite. */
  public static final int DIVERGED = 3;

  private ExitCodes() {}

  /**
   * Prints a one-line report of {@code failure} to {@code err} and returns its exit code. Spark
   * wraps exceptions thrown in tasks; the cause chain is searched for ours.
   */
  static int report(Throwable failure, PrintStream err) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BadInputException) {
        err.println("downhill: error: " + t.getMessage());
        return BAD_INPUT;
      }
      if (t instanceof DivergedException) {
        err.println("downhill: " + t.getMessage());
        return DIVERGED;
      }
    }
    err.println("downhill: internal error: " + failure);
    failure.printStackTrace(err);
    return FAILED;
  }
}
