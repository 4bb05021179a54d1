package io.downhill.train;

/**
 * One optimizer step as the listeners see it.
 *
 * @param step     global step, from 0
 * @param epoch    epoch, from 0
 * @param loss     minibatch objective: data loss + regularization, before the update
 * @param dataLoss the minibatch's weighted mean data loss
 * @param lr       the learning rate used
 * @param rows     rows in the minibatch
 * @param gradNorm ‖g‖₂ of the full gradient used
 * @param seconds  wall time of the step (gradient job + update)
 * @param computeSeconds the longest arithmetic time of one partition in the step (the rest of
 *                 {@code seconds} is the cost of distribution: job, broadcast, aggregation, update)
 * @param layers   per weight matrix, the update/weight ratio and the weights' spread after the step
 *                 (empty when the step did not update θ, as in random search)
 */
public record StepRecord(long step, int epoch, double loss, double dataLoss, double lr, long rows,
    double gradNorm, double seconds, double computeSeconds, java.util.List<LayerStats> layers) {}
