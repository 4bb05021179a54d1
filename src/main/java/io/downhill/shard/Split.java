package io.downhill.shard;

import java.util.Locale;

/** The three datasets of a run. Validation rows are held out of the training data. */
public enum Split {
  TRAIN, VALIDATION, TEST;

  /** "train", "val", "test": the names used in metrics and summaries. */
  public String key() {
    return this == VALIDATION ? "val" : name().toLowerCase(Locale.ROOT);
  }
}
