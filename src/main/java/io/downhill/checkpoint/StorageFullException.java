package io.downhill.checkpoint;

/**
 * A write failed because the storage is full (no space left on the device, a disk or HDFS quota
 * exceeded): a resource failure, exit code 4, like a lost cluster. Free space (or raise the quota)
 * and rerun; with checkpoints, {@code --resume} continues from the newest complete one.
 */
public final class StorageFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageFullException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code e} (or a cause) says the storage is full: ENOSPC, EDQUOT, HDFS quota or Hadoop's out-of-space. */
  public static boolean isStorageFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      String type = t.getClass().getSimpleName();
      if (m.contains("No space left on device") || m.contains("Disk quota exceeded") || type.contains("QuotaExceeded")
          || type.contains("DiskOutOfSpace")) {
        return true;
      }
    }
    return false;
  }
}
