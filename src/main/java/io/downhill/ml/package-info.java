/**
 * Downhill in Spark ML's own API: {@link io.downhill.ml.DownhillClassifier} (an Estimator) and
 * {@link io.downhill.ml.DownhillClassificationModel} (its Model: rawPrediction, probability,
 * prediction), whose Params ({@link io.downhill.ml.DownhillParams}) are the command line's training
 * settings, made from their one declaration; usable as Pipeline stages, under CrossValidator
 * and TrainValidationSplit, and saved and loaded with MLWritable/MLReadable (Spark's JSON metadata,
 * Parquet data). A model tells how its fit went ({@link io.downhill.ml.DownhillTrainingSummary},
 * read from the {@code summary.json} that {@link io.downhill.ml.DownhillSummary} writes) and how it
 * does on any data ({@link io.downhill.ml.DownhillClassificationSummary}, Spark's multiclass
 * metrics). Dimensions: n rows, d features, k classes, h hidden units.
 */
package io.downhill.ml;
