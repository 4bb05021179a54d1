/**
 * The Spark side of the data path.
 *
 * <pre>
 *  DataSpec ─▶ {@link io.downhill.spark.Sources}: a DataFrame (row_id, label, features[, weight]),
 *              files read inside the tasks (never shipped from the driver), each row placed by
 *              its position in the input alone ({@link io.downhill.spark.RowPositions})
 *           ─▶ {@link io.downhill.spark.DataLoader}: seeded train/validation split, labels checked,
 *              MLlib StandardScaler fitted on the training split (optional)
 *           ─▶ {@link io.downhill.spark.Blockify}: each partition turned once into dense blocks, cached
 *           ─▶ {@link io.downhill.spark.SparkGradientSource}: per step, broadcast θ, one job:
 *              mapPartitions(ShardComputer.gradient) + treeAggregate of GradientAccumulators;
 *              or, collective, one barrier stage per segment of steps
 *              ({@link io.downhill.spark.CollectiveSegments}), whose tasks
 *              ({@link io.downhill.spark.SegmentTask}) all-reduce among themselves over
 *              {@code io.downhill.collective.Mesh}
 * </pre>
 *
 * Only this package, {@code ml} and {@code cli} import Spark.
 */
package io.downhill.spark;
