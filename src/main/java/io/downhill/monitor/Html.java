package io.downhill.monitor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/**
 * The shared parts of the HTML reports: escaping, number formatting, the page skeleton with its
 * inline style sheet, and tables. Pages are self-contained: no scripts, no fonts, no external style
 * sheets or images, and a Content-Security-Policy that forbids the browser to fetch anything but
 * {@code data:} images, so a report opens the same offline, attached to a mail or years later.
 */
final class Html {
  private Html() {}

  /** The page's policy: nothing is loaded from anywhere; inline styles and data: images only. */
  static final String CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

  private static final String STYLE = """
      body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
             margin: 24px auto; max-width: 1340px; padding: 0 16px; }
      h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
      .sub { color: #555; margin: 0 0 12px; }
      .note { color: #666; font-size: 12.5px; margin: 4px 0 12px; }
      .plots { display: flex; flex-wrap: wrap; gap: 12px; }
      svg.plot { background: #fff; border: 1px solid #e4e4e4; border-radius: 4px; max-width: 100%; height: auto; }
      svg.plot text { font: 11px system-ui, Helvetica, Arial, sans-serif; fill: #333; }
      svg.plot text.title { font-size: 13px; font-weight: 600; }
      table { border-collapse: collapse; font-size: 12.5px; }
      th, td { padding: 3px 8px; border: 1px solid #e0e0e0; text-align: right; }
      table.leaderboard td { white-space: nowrap; }
      th { background: #f5f5f5; } td.k, th.k { text-align: left; }
      table.settings td:first-child { text-align: left; font-family: ui-monospace, Menlo, Consolas, monospace; }
      table.settings td:last-child { text-align: left; }
      table.confusion td { min-width: 34px; font-variant-numeric: tabular-nums; }
      ul.diagnosis { list-style: none; padding: 0; } ul.diagnosis li { margin: 4px 0; padding: 6px 10px; border-radius: 4px; }
      li.warn { background: #fff4e5; border-left: 4px solid #f0a030; } li.ok { background: #eaf6ec; border-left: 4px solid #3a9a50; }
      tr.best td { background: #eaf6ec; font-weight: 600; } tr.failed td { color: #a33; }
      tr.best td.edge { background: #fff4e5; box-shadow: inset 0 -3px 0 #f0a030; }
      """;

  /** Escapes text for HTML element content and attribute values. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A page: {@code title} (escaped here) and a body of already-built HTML. */
  static String page(String title, String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + CSP + "\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>" + esc(title) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n" + body
        + "\n</body>\n</html>\n";
  }

  /**
   * A number for people: integers as such, others with {@code sig} significant digits, very large
   * or small ones as {@code 1.5e-4}; non-finite ones as NaN, ∞, -∞.
   */
  static String number(double v, int sig) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "∞" : "-∞";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (v == Math.rint(v) && a < 1e15) {
      return Long.toString((long) v);
    }
    if (a >= 1e-3 && a < 1e6) {
      return new BigDecimal(v).round(new MathContext(sig)).stripTrailingZeros().toPlainString();
    }
    int e = (int) Math.floor(Math.log10(a));
    BigDecimal m = new BigDecimal(v / Math.pow(10, e)).round(new MathContext(sig)).stripTrailingZeros();
    if (m.abs().compareTo(BigDecimal.TEN) >= 0) {
      m = m.movePointLeft(1).stripTrailingZeros();
      e++;
    }
    return m.toPlainString() + "e" + e;
  }

  /** {@link #number(double, int)} with 4 significant digits. */
  static String number(double v) {
    return number(v, 4);
  }

  /** A table of already-escaped cells; the first row is the header. */
  static String table(String cssClass, List<String> header, List<List<String>> rows) {
    StringBuilder t = new StringBuilder("<table class=\"").append(esc(cssClass)).append("\">\n<tr>");
    for (String h : header) {
      t.append("<th>").append(h).append("</th>");
    }
    t.append("</tr>\n");
    for (List<String> row : rows) {
      t.append("<tr>");
      for (String c : row) {
        t.append("<td>").append(c).append("</td>");
      }
      t.append("</tr>\n");
    }
    return t.append("</table>\n").toString();
  }

  /** A paragraph of small grey explanatory text (escaped here). */
  static String note(String text) {
    return "<p class=\"note\">" + esc(text) + "</p>\n";
  }
}
