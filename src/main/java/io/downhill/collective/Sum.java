package io.downhill.collective;

/**
 * The result of an {@link Mesh#allReduce all-reduce round}, the same bits on every member.
 *
 * @param vector the members' vectors summed in double in rank order, a fresh array of length n (or
 *     the caller's, {@link Mesh#allReduce(long, Part, double[])});
 *     null when no member contributed a vector
 * @param scalars the members' scalars summed in rank order (the first member's taken as is)
 * @param max the maximum of the members' {@link Part#max}
 */
public record Sum(double[] vector, double[] scalars, long max) {}
