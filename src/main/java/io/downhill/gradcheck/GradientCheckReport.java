package io.downhill.gradcheck;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of a gradient check.
 *
 * @param checked coordinates compared
 * @param skippedAtKinks coordinates skipped because the probes straddled a kink
 * @param maxRelativeError the largest relative error among the checked coordinates
 * @param worst the worst coordinates, largest error first
 * @param floor the denominator floor used in the relative error
 * @param threshold the largest relative error that passes
 */
public record GradientCheckReport(int checked, int skippedAtKinks, double maxRelativeError,
    List<Entry> worst, double floor, double threshold) {

  /** One compared coordinate. */
  public record Entry(int index, String name, double analytic, double numeric, double relativeError) {}

  public boolean passed() {
    return checked > 0 && maxRelativeError < threshold;
  }

  /** Multi-line human summary: the verdict line, then the worst coordinates. */
  public String format(String title, int lines) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "%-34s %s  max relative error %.3e (threshold %.0e, floor %.1e), %d coordinates checked",
        title, passed() ? "PASS" : "FAIL", maxRelativeError, threshold, floor, checked));
    if (skippedAtKinks > 0) {
      sb.append(String.format(Locale.ROOT, ", %d skipped at kinks", skippedAtKinks));
    }
    sb.append('\n');
    for (int i = 0; i < Math.min(lines, worst.size()); i++) {
      Entry e = worst.get(i);
      sb.append(String.format(Locale.ROOT, "    %-14s analytic %+.10e  numeric %+.10e  rel %.3e%n",
          e.name(), e.analytic(), e.numeric(), e.relativeError()));
    }
    return sb.toString();
  }
}
