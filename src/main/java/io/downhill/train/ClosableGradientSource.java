package io.downhill.train;

/** A {@link GradientSource} that holds resources (a broadcast, a place among shared jobs) until closed. */
public interface ClosableGradientSource extends GradientSource, AutoCloseable {
  @Override
  void close();
}
