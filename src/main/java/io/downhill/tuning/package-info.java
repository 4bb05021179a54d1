/**
 * Hyperparameter search, without Spark: {@link io.downhill.tuning.SearchSpace} (log-uniform,
 * uniform and choice dimensions, read from a properties file, and their narrowing around the best
 * trials), {@link io.downhill.tuning.Search} (the coarse and fine stages; each trial a
 * {@link io.downhill.train.Fit} run on its own thread, its gradients from whatever
 * {@link io.downhill.tuning.Search.Trials#open} gives: on Spark, a member of shared jobs),
 * {@link io.downhill.tuning.TrialResult} and {@link io.downhill.tuning.Leaderboard}.
 */
package io.downhill.tuning;
