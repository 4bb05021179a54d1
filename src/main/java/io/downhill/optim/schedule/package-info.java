/** Learning-rate schedules: the rate {@code η} as a function of the epoch and step (steps count from 0). */
package io.downhill.optim.schedule;
