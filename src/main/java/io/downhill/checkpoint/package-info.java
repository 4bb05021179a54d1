/**
 * Checkpoints: where a run's {@link io.downhill.train.TrainerState} goes and how it comes back.
 * {@link io.downhill.checkpoint.CheckpointStore} writes each checkpoint atomically (a temporary
 * folder renamed into place, CRC-checked on reading) through Hadoop's FileSystem API, in the
 * files {@link io.downhill.checkpoint.StateCodec} lays out; {@link io.downhill.checkpoint.Checkpointing} decides when (every N steps or epochs) and
 * implements the loop's {@link io.downhill.train.Checkpoints}. Depends on the loop, never the
 * other way round.
 */
package io.downhill.checkpoint;
