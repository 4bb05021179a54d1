/**
 * Update rules. An {@link io.downhill.optim.Optimizer} lives on the driver next to the weights and
 * turns the mean minibatch gradient {@code g} (data loss plus regularization) into a step:
 * it <i>subtracts</i>, since gradients are true gradients of a loss being minimised. Each rule is
 * one class holding its hyperparameters, written as maths in its Javadoc and in the same form in
 * {@code stepInPlace}; what changes from step to step is its {@link io.downhill.optim.OptimizerState}
 * (named arrays and a step count, saved by checkpoints). {@link io.downhill.optim.OptimizerConfig}
 * registers the rules by name, one line each.
 *
 * <p>Dimension: {@code p} parameters (the flat vector of the model's
 * {@link io.downhill.model.ParameterLayout}). Learning-rate schedules are in {@code schedule/}.
 */
package io.downhill.optim;
