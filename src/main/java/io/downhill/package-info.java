/**
 * Downhill: data-parallel minibatch training of classifiers on Spark. The base package holds what
 * every other package may use: {@link io.downhill.BadInputException}, input the user can fix (one
 * line: where, what, expected, found; naming the setting when it is about one, for each front end
 * to word as its own).
 *
 * <p>The packages, in dependency order (see docs/ARCHITECTURE.md; {@code ArchitectureTest} keeps
 * it): {@code linalg} ← {@code data} ← {@code settings}, {@code model}, {@code loss} ←
 * {@code optim}, {@code gradcheck} ← {@code shard} (executor tasks) ← {@code train} (the driver
 * loop) ← {@code checkpoint}, {@code sanity}, {@code tuning}, {@code monitor}; {@code spark} ←
 * {@code ml} ← {@code cli}, the only ones that import Spark.
 *
 * <p>Dimensions, named the same everywhere: {@code n} rows of a batch, {@code d} features,
 * {@code k} classes, {@code h} hidden units, {@code p} parameters, {@code P} partitions,
 * {@code N} training rows, {@code B} the global batch.
 */
package io.downhill;
