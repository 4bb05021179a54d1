/**
 * Summing vectors among the tasks of one step without the driver: a group of P members (one per
 * partition, ranks 0..P-1) joined by a full mesh of authenticated TCP links ({@link
 * io.downhill.collective.Mesh}), each contributing a {@link io.downhill.collective.Part} and getting
 * the same {@link io.downhill.collective.Sum}, bit for bit the driver's rank-order merge.
 *
 * <p>What runs where: a member lives in an executor's task (a gang-scheduled Spark barrier task,
 * which opens it, learns the others' addresses and connects to them); its sender threads run in
 * that executor too. The addresses meet on the driver, at a {@link io.downhill.collective.Rendezvous}
 * that every member joins once per segment; nothing else here runs on the driver. Nothing here uses
 * Spark (only java.net, SLF4J and {@link io.downhill.linalg.Buf}), so it is tested with plain
 * threads on loopback.
 *
 * <p>Dimensions: {@code n} values in the summed vector, {@code k} scalars beside it, {@code P}
 * members; rank r owns the slice {@code [r·n/P, (r+1)·n/P)} of the sum.
 *
 * <p>Inside: {@link io.downhill.collective.Mesh} sets up the links ({@code Handshake}: the HMAC
 * challenge-response; {@code Link}: one peer's socket and sender thread), {@code AllReduce} runs the
 * rounds over them in {@code Frame}s, and {@code Watch} bounds every wait by the timeout,
 * cancellation and the first failure. {@link io.downhill.collective.Rendezvous} serves the
 * members' joins ({@code Roll}: its messages after the handshake; {@code Gathering}: one session's
 * members on the driver).
 */
package io.downhill.collective;
