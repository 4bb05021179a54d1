/**
 * Reading and validating training data, and the dense row blocks it becomes. No Spark here:
 * readers take an {@link io.downhill.data.Opener}, so the Spark side can hand them Hadoop
 * file systems and the tests local files.
 *
 * <p>Dimensions: {@code n} rows, {@code d} features (columns), {@code k} classes. A
 * {@link io.downhill.data.Block} is {@code n x d} row-major features (float32 or float64) with
 * {@code n} int labels in {@code 0..k-1} and optional {@code n} sample weights; a
 * {@link io.downhill.data.Shard} is the list of blocks of one Spark partition.
 *
 * <p>Every reader validates what it reads and reports problems as
 * {@link io.downhill.BadInputException}: where, what, expected, found.
 */
package io.downhill.data;
