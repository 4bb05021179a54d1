/**
 * Learning-rate schedules. Every schedule is a function of {@code t}, the position in training
 * measured in epochs ({@code t = step / S}, fractional, from 0), so it does not depend on the batch
 * size; the trainer evaluates it at every step and records the rate in metrics.jsonl.
 */
package io.downhill.optim.schedule;
