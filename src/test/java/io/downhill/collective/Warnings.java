package io.downhill.collective;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The WARN lines that the rendezvous logs while a test runs (its loggers' and its gatherings'). */
final class Warnings extends AbstractAppender implements AutoCloseable {
  private static final List<Class<?>> SOURCES = List.of(Rendezvous.class, Gathering.class);
  private final List<String> lines = new CopyOnWriteArrayList<>();

  Warnings() {
    super("rendezvous-warnings", null, null, true, Property.EMPTY_ARRAY);
    start();
    SOURCES.forEach(c -> ((Logger) LogManager.getLogger(c)).addAppender(this));
  }

  @Override
  public void append(LogEvent event) {
    if (event.getLevel() == Level.WARN) {
      lines.add(event.getMessage().getFormattedMessage());
    }
  }

  /** The lines so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits up to 5 s for a line that contains every one of {@code parts}; returns it. */
  String await(String... parts) throws InterruptedException {
    long end = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < end) {
      for (String line : lines) {
        if (List.of(parts).stream().allMatch(line::contains)) {
          return line;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no WARN line with " + List.of(parts) + " in " + lines);
  }

  @Override
  public void close() {
    SOURCES.forEach(c -> ((Logger) LogManager.getLogger(c)).removeAppender(this));
    stop();
  }
}
