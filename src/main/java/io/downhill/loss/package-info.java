/**
 * Data losses on model scores, and regularization on weights. {@link io.downhill.loss.Losses}
 * finds a loss by name (a new loss is its class and a line there).
 *
 * <p>Dimensions: {@code n} rows, {@code c} score columns ({@code k} classes, or 1 for binary
 * logistic and for the squared error). Scores arrive as an {@code n x c} row-major {@code double[]}
 * (the model's output, widened once per minibatch: {@code n·c} values, negligible next to the
 * GEMMs), with int labels (classification) or real-valued targets (regression: the squared error)
 * and per-row weights {@code w_i}. A {@link io.downhill.loss.Loss} returns the weighted
 * <i>sum</i> {@code Σ_i w_i L_i} and its gradient with respect to the scores; the trainer
 * divides by {@code Σ_i w_i} once the partitions' sums are merged.
 *
 * <p>The full objective is {@code L(θ) = Σ_i w_i L_i / Σ_i w_i + R(W)}: data loss averaged over
 * the minibatch plus a penalty on weights only, never biases.
 */
package io.downhill.loss;
