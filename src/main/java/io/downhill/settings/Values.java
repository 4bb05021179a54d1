package io.downhill.settings;

import java.util.ArrayList;
import java.util.List;

/** Typed values from their text, for {@link Setting#parse}: the part of parsing that knows no setting. */
final class Values {
  private Values() {}

  /**
   * {@code text} (stripped) as an Integer, Long, Double, Boolean ("true"/"false", any case) or
   * List of Integer (comma-separated, blanks skipped); an IllegalArgumentException when it is not one.
   */
  static Object parse(Class<?> type, String text) {
    if (type == Integer.class) {
      return Integer.valueOf(text);
    } else if (type == Long.class) {
      return Long.valueOf(text);
    } else if (type == Double.class) {
      return Double.valueOf(text);
    } else if (type == Boolean.class) {
      if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException(text);
      }
      return Boolean.valueOf(text);
    } else if (type == List.class) {
      List<Integer> list = new ArrayList<>();
      for (String part : text.split(",")) {
        if (!part.isBlank()) {
          list.add(Integer.valueOf(part.strip()));
        }
      }
      return list;
    }
    throw new IllegalArgumentException("no text form for " + type.getSimpleName());
  }
}
