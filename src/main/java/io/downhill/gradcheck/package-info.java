/**
 * Gradient checking: the analytic gradient of an {@link io.downhill.gradcheck.Objective} against
 * central differences {@code (f(θ + h·e_i) - f(θ - h·e_i)) / 2h}, coordinate by coordinate, in
 * double precision. The {@link io.downhill.gradcheck.GradientCheckReport} gives the worst relative
 * errors and which parameters they belong to. Coordinates whose two probes fall on different
 * linear pieces of a non-smooth function (a hinge margin or ReLU crossing zero) are counted and
 * skipped: central differences say nothing there. Coordinates the objective marks as not trained
 * (non-trained state in θ) are not checked.
 *
 * <p>Dimension: {@code p} parameters.
 */
package io.downhill.gradcheck;
