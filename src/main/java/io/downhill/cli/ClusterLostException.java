package io.downhill.cli;

/**
 * The cluster went away under a running command: its master unreachable and no task finishing for
 * {@code --cluster-timeout} seconds ({@link ClusterWatchdog}). Exit code 4.
 */
final class ClusterLostException extends RuntimeException {
  ClusterLostException(String message) {
    super(message);
  }
}
