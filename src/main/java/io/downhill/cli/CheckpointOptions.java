package io.downhill.cli;

import io.downhill.BadInputException;
import io.downhill.checkpoint.CheckpointStore;
import io.downhill.checkpoint.Checkpointing;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** {@code --checkpoint-dir}, {@code --checkpoint-every}, {@code --checkpoint-keep}, {@code --resume}. */
final class CheckpointOptions {
  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Save checkpoints (weights, optimizer state, position, settings) here: a local path or any "
          + "Hadoop file system URI (hdfs://, s3a://); removed when the run succeeds (default: none)")
  String dir;

  @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "1epoch",
      description = "Checkpoint interval: N steps (500, 500steps) or N epochs (1epoch, 2epochs) (default: ${DEFAULT-VALUE})")
  String every;

  @Option(names = "--checkpoint-keep", paramLabel = "K", defaultValue = "2",
      description = "Complete checkpoints kept; older ones are removed (default: ${DEFAULT-VALUE})")
  int keep;

  @Option(names = "--resume",
      description = "Continue from the newest complete checkpoint in --checkpoint-dir (start afresh when there is "
          + "none); a corrupt or partial checkpoint is skipped with a warning")
  boolean resume;

  /** Nothing asked for. */
  boolean enabled() {
    return dir != null;
  }

  /** Checks the flags before Spark starts. */
  void validate(io.downhill.train.TrainingConfig config) {
    if (dir != null) {
      io.downhill.train.Checkpoints.requireMinibatch(config); // before Spark starts, not after loading
    }
    if (resume && dir == null) {
      throw BadInputException.of("--resume", "resume without a checkpoint directory", "--checkpoint-dir DIR", "none");
    }
    if (dir != null) {
      Checkpointing.of(null, every, "", List::of); // the interval's own checks
      if (keep < 1) {
        throw BadInputException.of("--checkpoint-keep", "invalid number of checkpoints to keep", "an integer >= 1",
            Integer.toString(keep));
      }
    }
  }

  CheckpointStore store(Configuration hadoop) {
    return new CheckpointStore(dir, keep, hadoop);
  }

  Checkpointing checkpointing(CheckpointStore store, String settings, Supplier<List<Path>> attachments) {
    return Checkpointing.of(store, every, settings, attachments);
  }
}
