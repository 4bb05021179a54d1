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
 *
 * <h2>Architectures are lists, kinds are registered</h2>
 *
 * A {@link io.downhill.model.ModelSpec} is the input width, a list of
 * {@link io.downhill.model.LayerSpec}s and the width of the dense head. {@link
 * io.downhill.model.Model#of} walks the list: each spec builds its layer and declares its slices
 * through {@link io.downhill.model.Slices}, which numbers them by block ({@code W1, b1} for the
 * first dense layer and the layers after it). Model files store the list as JSON; {@link
 * io.downhill.model.LayerKinds} maps each kind's name to its reader. Two registries keep additions
 * local:
 * <ul>
 *   <li>an activation function is one {@link io.downhill.model.ActivationFunction} class and one
 *       line in {@link io.downhill.model.Activations} (its name, its aliases); configurations carry
 *       it by name, and the names accepted and the error messages follow the table;</li>
 *   <li>a layer kind is one class (a {@link io.downhill.model.Layer}, by habit with its spec as a
 *       nested record that reads and writes its JSON) and one line in
 *       {@link io.downhill.model.LayerKinds}.</li>
 * </ul>
 *
 * <h2>Roles of the slices</h2>
 *
 * Each slice has a {@link io.downhill.model.ParameterLayout.Role}: weights are drawn by the
 * {@link io.downhill.model.Initializer}, regularized, decayed by AdamW and max-normed; biases and
 * shifts start at 0, scales at 1, and none of these three is penalized; STATE is not trained at
 * all. Code that treats slices differently asks the role, never the slice's name.
 *
 * <h2>Layers with non-trained state</h2>
 *
 * A layer such as batch normalization keeps running statistics. They live in θ as STATE slices,
 * so that the broadcast of θ, checkpoints and model files carry them without knowing about them;
 * their gradient is always 0 and the gradient check skips them. They change by merging batch
 * statistics, in three places:
 * <ol>
 *   <li>setup: {@link io.downhill.model.Model#initializeInPlace} runs the
 *       {@link io.downhill.model.Initializer} (which leaves STATE slices alone), then has each
 *       layer write its STATE slices' starting values;</li>
 *   <li>executors: after each training forward pass, {@code shard.ShardComputer} calls
 *       {@link io.downhill.model.Model#accumulateStats}, which has each layer add its batch's
 *       statistics as <i>sums</i> (a row count, Σ(x - K), Σ(x - K)² with a shift K read from θ)
 *       into a buffer of {@link io.downhill.model.Model#statsSize} doubles; sums merge across
 *       partitions by addition, like gradients, so distributed equals local;</li>
 *   <li>driver: after each step the training loop calls
 *       {@link io.downhill.model.Model#mergeStatsInPlace} with the summed buffer, and each layer
 *       moves its STATE slices of θ towards the step's statistics before θ is broadcast again.</li>
 * </ol>
 * The {@link io.downhill.model.Layer} defaults do nothing and {@code statsSize()} is 0, so a
 * model without such layers is untouched: its buffer is empty and nothing needs to be sent.
 *
 * <h2>Statistics of the global minibatch</h2>
 *
 * A training step's batch is split over the partitions, but batch normalization normalizes with
 * the mean and variance of the whole batch, and its backward pass needs two sums over the whole
 * batch. A training {@link io.downhill.model.Pass} carries a {@link io.downhill.model.BatchSums}
 * that totals a partition's sums over every partition of the step (forward: each normalizing layer
 * in order; backward: in reverse); the pass keeps what the forward pass totalled for the backward.
 * A partition without rows in the step joins every total with zeros
 * ({@link io.downhill.model.Model#joinTotalsWithoutRows}). Who totals: {@code shard.Rounds} on the
 * driver transports (the step runs again with each new total), an all-reduce between the tasks of a
 * collective segment, or nobody ({@link io.downhill.model.BatchSums#ALONE}) when the rows are the
 * whole batch.
 */
package io.downhill.model;
