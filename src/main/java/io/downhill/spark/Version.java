package io.downhill.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Downhill's version and the Spark version it was built against, from the build. */
public final class Version {
  public static final String DOWNHILL;
  public static final String SPARK_BUILT;

  static {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/io/downhill/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // a missing resource only loses the version string
    }
    DOWNHILL = p.getProperty("version", "unknown");
    SPARK_BUILT = p.getProperty("spark", "unknown");
  }

  private Version() {}
}
