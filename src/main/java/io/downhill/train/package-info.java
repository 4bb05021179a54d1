/**
 * The training loop, on the driver, and the per-partition arithmetic it distributes
 * ({@code io.downhill.shard}, run inside executor tasks).
 *
 * <pre>
 *  Trainer (driver)                         shard.ShardComputer (per partition, any executor)
 *  ─────────────────                        ───────────────────────────────────────────────
 *  for each epoch e, step s of S:           rows [s·n_p/S, (s+1)·n_p/S) of this epoch's
 *    acc = source.gradient(θ, plan) ──────▶   seeded permutation of the partition's n_p rows,
 *                                             gathered into a reused buffer; forward, loss,
 *    g = acc.gradSum / acc.weightSum  ◀──────  backward (GEMM) → GradientAccumulator
 *        + ∂R/∂θ
 *    θ ← optimizer(θ, g, η)
 *  every epoch: source.evaluate(θ, split) → shard.Evaluation (loss, accuracy, confusion)
 * </pre>
 *
 * {@link io.downhill.train.Fit} sets a run up the same way for every caller (model, loss, shard
 * computation from the settings). In {@link io.downhill.train.Trainer}, the configured
 * {@link io.downhill.train.Algorithm} picks the driver that moves θ (minibatch steps of an update
 * rule, local steps, full-batch gd, random search), and one {@code Run} keeps the books they share
 * (records, evaluations, early stopping, divergence, checkpoints).
 *
 * <p>A {@link io.downhill.train.GradientSource} hides where the partitions are:
 * {@link io.downhill.train.LocalGradientSource} loops over them in this JVM, the Spark source
 * ({@code io.downhill.spark}) runs one job per step, or offers {@link io.downhill.train.Segments}:
 * the collective transport, where the partitions' tasks take a {@link io.downhill.train.Segment}
 * of steps among themselves, each applying the same {@link io.downhill.train.SyncStep} (the
 * step's maths, or a job of local steps', which {@code Minibatch} and {@code LocalSteps} run on the
 * driver) to its replica of θ. All call the same
 * {@link io.downhill.shard.ShardComputer} and merge the same named accumulators, so a test can
 * demand that they agree. Checkpoints ({@code io.downhill.checkpoint}) plug in through
 * {@link io.downhill.train.Checkpoints}.
 *
 * <p>Dimensions: {@code N} training rows, {@code P} partitions with {@code n_p} rows each,
 * {@code B} the global batch, {@code S = ceil(N / B)} steps per epoch (each partition
 * contributes about {@code B·n_p/N} rows per step, and every row exactly once per epoch),
 * {@code p} parameters, {@code k} classes.
 */
package io.downhill.train;
