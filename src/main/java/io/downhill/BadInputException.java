package io.downhill;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Input the user can fix: a missing or malformed file, a label out of range, a nonsense setting.
 * The message is one line: where, what is wrong, what was expected and what was found. The
 * command line turns it into exit code 2.
 *
 * <p>An error about a setting ({@link #setting}) names it by its schema name
 * ({@code learningRate}); a front end rewords it as its users know it ({@link #worded}): the
 * command line says {@code --lr}, Spark ML {@code DownhillClassifier learningRate}. Other
 * settings mentioned in the texts are written {@code {name}} and reworded the same way.
 */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Pattern MENTION = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9]*)}");

  private final String setting;
  private final String value;
  private final String[] parts;

  public BadInputException(String message) {
    this(message, (Throwable) null);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
    this.setting = null;
    this.value = null;
    this.parts = null;
  }

  private BadInputException(String setting, String value, String[] parts, UnaryOperator<String> wording) {
    super(render(setting, value, parts, wording));
    this.setting = setting;
    this.value = value;
    this.parts = parts;
  }

  /** "{where}: {what}: expected {expected}, found {found}". */
  public static BadInputException of(String where, String what, String expected, String found) {
    return new BadInputException(where + ": " + what + ": expected " + expected + ", found " + found);
  }

  /**
   * A bad value of the setting named {@code setting} (its schema name, e.g. {@code batchSize});
   * {@code {name}} in the texts mentions another setting.
   */
  public static BadInputException setting(String setting, String what, String expected, String found) {
    return new BadInputException(setting, null, new String[] {what, expected, found}, UnaryOperator.identity());
  }

  /**
   * The same where the setting's value is part of the place ("{setting} {value}: {what}: ..."):
   * a value that cannot go with another setting, e.g. {@code --optimizer gd} with dropout.
   */
  public static BadInputException setting(String setting, String value, String what, String expected, String found) {
    return new BadInputException(setting, value, new String[] {what, expected, found}, UnaryOperator.identity());
  }

  /** The schema name of the setting this error is about, or null. */
  public String setting() {
    return setting;
  }

  /** This error with every setting it mentions named by {@code wording} (schema name to the front end's name). */
  public BadInputException worded(UnaryOperator<String> wording) {
    if (setting == null) {
      return this;
    }
    BadInputException e = new BadInputException(setting, value, parts, wording);
    e.setStackTrace(getStackTrace());
    return e;
  }

  private static String render(String setting, String value, String[] parts, UnaryOperator<String> wording) {
    return wording.apply(setting) + (value == null ? "" : " " + value) + ": " + mentions(parts[0], wording)
        + ": expected " + mentions(parts[1], wording) + ", found " + mentions(parts[2], wording);
  }

  /** {@code text} with each {@code {name}} in it replaced by {@code wording.apply(name)} (also for docs). */
  public static String mentions(String text, UnaryOperator<String> wording) {
    Matcher m = MENTION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(wording.apply(m.group(1))));
    }
    return m.appendTail(out).toString();
  }

  /** The first line of {@code e}'s description, for the "found" part of a message: messages are one line. */
  public static String oneLine(Object e) {
    String s = String.valueOf(e);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).trim() + " ...";
  }
}
