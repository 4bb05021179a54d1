/**
 * What runs inside an executor task: the per-partition arithmetic of a step, apart from the
 * driver loop that distributes it ({@code io.downhill.train}).
 *
 * <pre>
 *  ShardComputer (one per partition, any executor; small enough to ship with every task)
 *  ──────────────────────────────────────────────────────────────────────────────────────
 *  StepPlan (epoch e, step s of S) ─▶ BatchPlan: rows [s·n_p/S, (s+1)·n_p/S) of this epoch's
 *                                     seeded permutation of the partition's n_p rows
 *                                  ─▶ Scratch: gathered into reused buffers; forward, loss,
 *                                     backward (GEMM) ─▶ GradientAccumulator (named, mergeable)
 *  LocalPlan (K steps)             ─▶ K local SGD steps ─▶ LocalUpdate
 *  Split (train / validation / test) ─▶ Evaluation (loss, accuracy, confusion)
 * </pre>
 *
 * Accumulators merge associatively, so the Spark source (treeAggregate) and the local source
 * (a loop) give the same sums. No Spark here.
 *
 * <p>Dimensions: {@code n_p} rows of a partition, {@code b} rows of its share of a step,
 * {@code d} features, {@code k} classes, {@code p} parameters.
 */
package io.downhill.shard;
