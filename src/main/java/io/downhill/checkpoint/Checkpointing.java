package io.downhill.checkpoint;

import io.downhill.BadInputException;
import io.downhill.train.Checkpoints;
import io.downhill.train.TrainerState;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When and where a run saves {@link TrainerState}s ({@code --checkpoint-dir DIR --checkpoint-every N}).
 *
 * @param store       where checkpoints go
 * @param every       N: a checkpoint after every N steps, or every N epochs when {@code epochs}
 * @param epochs      whether N counts epochs (checkpoints at epoch ends) rather than steps
 * @param settings    the run's settings, written into every checkpoint and compared on resume
 * @param attachments files saved with each checkpoint (e.g. metrics.jsonl so far), asked for at save time
 */
public record Checkpointing(CheckpointStore store, int every, boolean epochs, String settings,
    Supplier<List<Path>> attachments) implements Checkpoints {

  private static final Pattern EVERY = Pattern.compile("(\\d+)\\s*(steps?|epochs?)?");

  public Checkpointing {
    if (every < 1) {
      throw BadInputException.setting("checkpointEvery", "invalid checkpoint interval", "an integer >= 1", Integer.toString(every));
    }
  }

  /** Parses {@code --checkpoint-every}: {@code 500} or {@code 500steps} (steps), {@code 1epoch}, {@code 2epochs}. */
  public static Checkpointing of(CheckpointStore store, String every, String settings, Supplier<List<Path>> attachments) {
    Matcher m = EVERY.matcher(every.trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1).length() > 9 ? "0" : m.group(1)) < 1) {
      throw BadInputException.setting("checkpointEvery", "invalid checkpoint interval",
          "N steps or N epochs, N >= 1: e.g. 500, 500steps, 1epoch", "'" + every + "'");
    }
    return new Checkpointing(store, Integer.parseInt(m.group(1)), m.group(2) != null && m.group(2).startsWith("epoch"),
        settings, attachments);
  }

  /**
   * Whether a checkpoint is due after the steps that brought the global count from {@code before}
   * to {@code after} (one step, or a job's K local steps): a multiple of N was crossed.
   */
  @Override
  public boolean dueAfterSteps(long before, long after) {
    return !epochs && after / every > before / every;
  }

  /** Whether a checkpoint is due at the end of epoch {@code epoch} (0-based). */
  @Override
  public boolean dueAfterEpoch(int epoch) {
    return epochs && (epoch + 1) % every == 0;
  }

  @Override
  public void save(TrainerState state) {
    store.save(state, attachments.get());
  }

  /** e.g. "every 500 steps". */
  public String describe() {
    return "every " + every + (epochs ? " epoch" : " step") + (every == 1 ? "" : "s");
  }
}
