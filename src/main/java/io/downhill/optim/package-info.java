/**
 * Update rules. An {@link io.downhill.optim.Optimizer} lives on the driver next to the weights and
 * turns the mean minibatch gradient {@code g} (data loss plus regularization) into a step:
 * it <i>subtracts</i>, since gradients are true gradients of a loss being minimised. Each rule is
 * written as maths in its class Javadoc and appears in the same form in {@code stepInPlace}.
 *
 * <p>Dimension: {@code p} parameters (the flat vector of the model's
 * {@link io.downhill.model.ParameterLayout}). Learning-rate schedules are in {@code schedule/}.
 */
package io.downhill.optim;
