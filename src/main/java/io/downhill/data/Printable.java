package io.downhill.data;

/** Text from a data file made safe for a one-line message: control and non-ASCII bytes escaped, long text cut. */
public final class Printable {
  private Printable() {}

  /**
   * {@code text} with tabs, newlines, control characters and unprintable characters (the
   * replacement character of undecodable bytes, surrogates, unassigned ones) written as {@code \t}, {@code \n}, {@code \x00} or {@code \u00e9}, cut to about {@code max}
   * characters with "..." at the end.
   */
  public static String abbreviate(String text, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      if (b.length() >= max) {
        b.append("...");
        break;
      }
      char c = text.charAt(i);
      if (c == '\t') {
        b.append("\\t");
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\\') {
        b.append("\\\\");
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else if (c > 0x7e && unprintable(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean unprintable(char c) {
    int type = Character.getType(c);
    return c == '\ufffd' || Character.isISOControl(c) || type == Character.SURROGATE || type == Character.UNASSIGNED
        || type == Character.FORMAT || type == Character.PRIVATE_USE;
  }
}
