/**
 * Watching a run: {@link io.downhill.monitor.MetricsWriter} streams {@code metrics.jsonl} (a line
 * per step, a line per epoch, flushed every epoch), {@link io.downhill.monitor.ConsoleReporter}
 * prints a line per epoch. Both are {@link io.downhill.train.TrainingListener}s on the driver.
 *
 * <p>Looking back at a run, from its files only (no Spark): {@link io.downhill.monitor.RunFiles}
 * reads an output folder, {@link io.downhill.monitor.Diagnosis} turns it into plain-language
 * findings (learning rate, update ratios, the loss curve's shape, noise and regularization, over- and
 * underfitting, dead ReLUs),
 * {@link io.downhill.monitor.Report} writes its self-contained {@code report.html} and
 * {@link io.downhill.monitor.SearchReport} that of a hyperparameter search. The charts are inline
 * SVG drawn in Java ({@code Plot} with its {@code Axis} and {@code Series}, on {@code Svg}'s
 * primitives; {@code WeightImages}); the pages have no scripts and load nothing.
 * Dimensions: a first weight matrix is d x h (inputs x units, row-major), so column j is unit j's
 * weights over the d input pixels.
 */
package io.downhill.monitor;
