/**
 * Score functions: a {@link io.downhill.model.Model} is a chain of {@link io.downhill.model.Layer}s
 * whose parameters live in one flat {@code double[]} described by a
 * {@link io.downhill.model.ParameterLayout} (named slices such as {@code W1}, {@code b1}).
 * The linear classifier {@code f(x) = Wx + b} is the chain of one {@link io.downhill.model.DenseLayer}.
 *
 * <p>Dimensions: {@code n} rows in the minibatch, {@code d} input features, {@code k} outputs
 * (classes, or 1 for binary logistic), {@code h} hidden units. A dense layer stores its weights
 * as an {@code inputs x outputs} row-major matrix, so its forward pass is the GEMM
 * {@code Z(n x out) = A(n x in) · W(in x out) + b}; the lecture's {@code W (k x d)} is the
 * transpose of the linear model's {@code W (d x k)}, and column {@code j} is class {@code j}'s template.
 *
 * <p>Sign convention (stated once for the whole project): the loss is minimised, gradients are
 * true gradients of the loss, optimizers subtract them. Backward passes <i>accumulate</i>
 * ({@code +=}) parameter gradients.
 */
package io.downhill.model;
