package io.downhill.ml;

/**
 * A uid handed to a Spark ML class before its superclass constructor runs. Spark's Scala traits
 * create their Params (featuresCol, labelCol ...) during construction and ask for {@code uid()}
 * then, before a Java subclass could assign a field; so the constructors pass the uid through
 * {@link #of} (evaluated before {@code super()}) and {@code uid()} reads it back until the field is set.
 */
final class Uid {
  private static final ThreadLocal<String> PENDING = new ThreadLocal<>();
  final String value;

  private Uid(String value) {
    this.value = value;
  }

  static Uid of(String uid) {
    PENDING.set(uid);
    return new Uid(uid);
  }

  /** The uid being constructed on this thread. */
  static String pending() {
    return PENDING.get();
  }

  /** Construction done. */
  void done() {
    PENDING.remove();
  }
}
