package io.downhill.cli;

import io.downhill.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.AppenderComponentBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a command's logs go when it runs as its own process (scripts/downhill, spark-submit):
 * everything Spark, Hadoop and Downhill log (through log4j, SLF4J or java.util.logging) goes to one
 * log file, appended to, with full stack traces; the terminal (stderr) gets only Downhill's own
 * warnings and the command's one-line report. A failure the command has explained (bad input, a
 * cancelled task, MLlib's {@code Instrumentation} re-logging the driver's stack) is then one line
 * for the user, and its whole story is in the file the line names.
 *
 * <p>The file is {@code --log-file}, else {@code NAME.log} beside an {@code --out} folder (never
 * inside it: a failed run leaves {@code --out} untouched), else {@code downhill-COMMAND.log} in a
 * per-user folder under the temporary directory. Commands run in-process (tests, a Spark
 * application calling {@link Main#run}) keep the caller's logging: only {@link Main#main} enables
 * this.
 */
final class Logs {
  private static volatile boolean enabled;
  private static volatile Path file;

  private Logs() {}

  /** Called by {@link Main#main}: this process is a Downhill command and owns its logging. */
  static void enable() {
    enabled = true;
  }

  /** The log file in use, or null when logging was left to the caller. */
  static Path file() {
    return file;
  }

  /** The default log file of a command without an output folder. */
  static Path defaultFile(String command) {
    return Path.of(System.getProperty("java.io.tmpdir"), "downhill-" + System.getProperty("user.name", "user"),
        "downhill-" + command + ".log");
  }

  /** The default log file of a command writing the output folder {@code out}: {@code NAME.log} beside it. */
  static Path besideOutput(Path out) {
    Path abs = out.toAbsolutePath().normalize();
    return abs.resolveSibling(abs.getFileName() + ".log");
  }

  /**
   * Sends this process's logs to {@code logFile} (see the class comment) and writes a header line
   * for this run. No-op unless {@link #enable()}d. An unwritable log file is bad input.
   */
  static void start(Path logFile, String what) {
    if (!enabled) {
      return;
    }
    Path abs = logFile.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs.getParent());
      if (Files.exists(abs) && !Files.isRegularFile(abs)) {
        throw BadInputException.of("--log-file " + logFile, "not a regular file", "a file to append to", "a folder");
      }
      Files.writeString(abs, "", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw BadInputException.of("--log-file " + logFile, "cannot write the log file", "a writable location",
          RunOutput.describe(e));
    }
    Configurator.reconfigure(configuration(abs));
    routeJavaUtilLogging();
    file = abs;
    Logger log = LoggerFactory.getLogger(Logs.class);
    log.info("==== {} (pid {}, started {}) ====", what, ProcessHandle.current().pid(), Instant.now());
  }

  /**
   * java.util.logging into the same file: Guava's {@code Closeables}, which Spark shades, warns through
   * it (with a stack trace) when a cancelled task's shuffle file is closed.
   *
   * <p>Not through SLF4J's {@code SLF4JBridgeHandler}, which Spark installs: the bridge asks log4j for
   * the context of its caller, JUL's caller is a JDK class, and log4j then falls back to the thread's
   * context class loader. On a Spark task thread that can be a loader log4j holds no context for, and
   * it starts a fresh one from {@code -Dlog4j2.configurationFile} (conf/log4j2.properties, console
   * appender): the warning and its 20-line trace reached the terminal beside the one-line report (a
   * CI failure of {@code QuietFailuresIT}). {@link JulHandler} holds this process's context instead.
   */
  private static void routeJavaUtilLogging() {
    try {
      // Spark's Logging object, when first used, replaces JUL's root handlers with SLF4J's bridge:
      // initialize it now, so that the handler installed below is the one that stays
      Class.forName("org.apache.spark.internal.Logging$", true, Logs.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      // no Spark on the class path: nothing will replace the handler
    }
    java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
    for (java.util.logging.Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.addHandler(new JulHandler(LoggerContext.getContext(Logs.class.getClassLoader(), false, null)));
  }

  /** Publishes java.util.logging records to one log4j context, whichever thread logs them. */
  static final class JulHandler extends java.util.logging.Handler {
    private final LoggerContext context;
    private final java.util.logging.Formatter formatter = new java.util.logging.SimpleFormatter();

    JulHandler(LoggerContext context) {
      this.context = context;
    }

    @Override
    public void publish(java.util.logging.LogRecord record) {
      if (record == null) {
        return;
      }
      Level level = level(record.getLevel());
      org.apache.logging.log4j.Logger logger = context.getLogger(String.valueOf(record.getLoggerName()));
      if (logger.isEnabled(level)) {
        logger.log(level, formatter.formatMessage(record), record.getThrown());
      }
    }

    static Level level(java.util.logging.Level jul) {
      int v = jul.intValue();
      return v >= java.util.logging.Level.SEVERE.intValue() ? Level.ERROR
          : v >= java.util.logging.Level.WARNING.intValue() ? Level.WARN
          : v >= java.util.logging.Level.INFO.intValue() ? Level.INFO
          : v >= java.util.logging.Level.FINE.intValue() ? Level.DEBUG : Level.TRACE;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static BuiltConfiguration configuration(Path logFile) {
    ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
    b.setConfigurationName("downhill").setStatusLevel(Level.ERROR);
    AppenderComponentBuilder fileAppender = b.newAppender("file", "File")
        .addAttribute("fileName", logFile.toString()).addAttribute("append", true)
        .add(b.newLayout("PatternLayout").addAttribute("pattern", "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5p [%t] %c: %m%n%ex"));
    b.add(fileAppender);
    b.add(b.newAppender("stderr", "Console").addAttribute("target", "SYSTEM_ERR")
        .add(b.newLayout("PatternLayout").addAttribute("pattern", "%d{HH:mm:ss} %-5p %c{1}: %m%n")
            .addAttribute("alwaysWriteExceptions", false)));
    b.add(b.newRootLogger(Level.WARN).add(b.newAppenderRef("file")));
    // Downhill's own: everything into the file, warnings also on the terminal
    b.add(b.newLogger("io.downhill", Level.INFO).add(b.newAppenderRef("stderr").addAttribute("level", Level.WARN)));
    // Spark's notes that need no action: Hadoop's native library, the local hostname, the libsvm scan
    for (String quiet : new String[] {"org.apache.hadoop.util.NativeCodeLoader", "org.apache.spark.util.Utils",
        "org.apache.spark.ml.source.libsvm.LibSVMFileFormat"}) {
      b.add(b.newLogger(quiet, Level.ERROR));
    }
    return b.build(false);
  }
}
