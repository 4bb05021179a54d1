/**
 * The lecture's sanity checks before a long run: the loss at the start is about ln(C) (softmax)
 * or C - 1 (hinge), regularization raises it, and a small subset (20 rows) can be overfitted to
 * zero loss. Runs the same training setup as a real run, on a slice of the data.
 */
package io.downhill.sanity;
