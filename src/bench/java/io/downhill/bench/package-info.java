/**
 * The benchmark behind {@code scripts/bench}: Downhill against Spark ML's LogisticRegression and
 * MultilayerPerceptronClassifier, mllib's {@code GradientDescent.runMiniBatchSGD}, and a numpy
 * process doing the same arithmetic, on the same machine and the same cached data, plus the
 * machine's own limits (GEMM rates, one pass over the data); exact synchronous steps as a Spark job
 * each against the collective transport, and the mesh all-reduce's measured costs with a model of
 * 100 executors. Like {@code cli}, it imports Spark.
 *
 * <p>Its own source set ({@code src/bench/java}, compiled with the tests), so the application jar
 * holds no benchmark code.
 *
 * <p>Every comparison is printed as a ratio measured in one run; docs/BENCHMARKS.md holds the
 * latest full run.
 */
package io.downhill.bench;
