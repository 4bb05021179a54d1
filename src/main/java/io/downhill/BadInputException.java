package io.downhill;

/**
 * Input the user can fix: a missing or malformed file, a label out of range, a nonsense setting.
 * The message is one line: where, what is wrong, what was expected and what was found. The
 * command line turns it into exit code 2.
 */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "{where}: {what}: expected {expected}, found {found}". */
  public static BadInputException of(String where, String what, String expected, String found) {
    return new BadInputException(where + ": " + what + ": expected " + expected + ", found " + found);
  }

  /** The first line of {@code e}'s description, for the "found" part of a message: messages are one line. */
  public static String oneLine(Object e) {
    String s = String.valueOf(e);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).trim() + " ...";
  }
}
