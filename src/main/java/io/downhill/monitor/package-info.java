/**
 * Watching a run: {@link io.downhill.monitor.MetricsWriter} streams {@code metrics.jsonl} (a line
 * per step, a line per epoch, flushed every epoch), {@link io.downhill.monitor.ConsoleReporter}
 * prints a line per epoch. Both are {@link io.downhill.train.TrainingListener}s on the driver.
 */
package io.downhill.monitor;
