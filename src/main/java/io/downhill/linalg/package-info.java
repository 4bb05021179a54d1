/**
 * Dense linear algebra over netlib BLAS, and the sparse (CSR) products of wide inputs
 * ({@link io.downhill.linalg.Csr}, {@link io.downhill.linalg.SparseOps}), with no Spark dependency.
 *
 * <p>Dimensions are named once here and used the same way everywhere:
 * {@code n} rows (examples in a minibatch or block), {@code d} features, {@code k} classes
 * (model outputs), {@code h} hidden units. Every matrix is <b>row-major</b>: element
 * {@code (i, j)} of an {@code r x c} matrix stored from offset {@code o} is at {@code o + i*c + j}.
 *
 * <p>{@link io.downhill.linalg.Buf} holds one flat array of one {@link io.downhill.linalg.Precision};
 * {@link io.downhill.linalg.Blas} runs GEMM on such arrays (translating row-major to BLAS's
 * column-major) and {@link io.downhill.linalg.Ops} holds the few element-wise kernels the models need.
 */
package io.downhill.linalg;
