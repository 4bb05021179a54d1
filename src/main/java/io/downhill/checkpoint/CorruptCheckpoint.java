package io.downhill.checkpoint;

import java.io.IOException;

/** A checkpoint that is torn, incomplete or fails its checksum: a resume skips it for the one before. */
final class CorruptCheckpoint extends IOException {
  private static final long serialVersionUID = 1L;

  CorruptCheckpoint(String message) {
    super(message);
  }
}
