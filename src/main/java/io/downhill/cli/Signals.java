package io.downhill.cli;

import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM (a scheduler stopping the job) and SIGINT (ctrl-C): the command stops Spark, unwinds as
 * for any failure (the running output folder is removed, checkpoints stay) and exits 143 or 130
 * with one line, instead of the JVM's default of running shutdown hooks under a live command,
 * which printed the stopped context's stack as an internal error. A second signal, or a command
 * still running {@value #GRACE_SECONDS} s after the first, ends the process at once (the next run
 * removes what it left, see {@link RunOutput}).
 *
 * <p>{@code sun.misc.Signal} is the JDK's only way to handle a signal without ending the process;
 * it is exported by {@code jdk.unsupported} and used the same way by Spark's own {@code SignalUtils}.
 */
final class Signals {
  static final int GRACE_SECONDS = 30;
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
  private static volatile Signal received;

  private Signals() {}

  /** Installs the handlers for TERM and INT; for {@link Main#main} only. */
  static void install() {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), Signals::handle);
      } catch (IllegalArgumentException e) {
        LOG.warn("cannot handle SIG{}: {}", name, e.getMessage()); // e.g. the JVM runs with -Xrs
      }
    }
  }

  /** The signal that stopped this command, or null. */
  static Signal received() {
    return received;
  }

  /** The exit code for a command stopped by {@code s}: 128 + its number (143 TERM, 130 INT). */
  static int exitCode(Signal s) {
    return 128 + s.getNumber();
  }

  private static void handle(Signal s) {
    if (received != null) {
      Runtime.getRuntime().halt(exitCode(s)); // asked twice: now
    }
    received = s;
    LOG.info("received SIG{}: stopping Spark, then exiting with {}", s.getName(), exitCode(s));
    Thread stopper = new Thread(() -> {
      scala.Option<SparkContext> active = SparkContext$.MODULE$.getActive();
      if (active.isDefined()) {
        active.get().stop(); // running and later jobs fail, and the command unwinds through its cleanup
      } else {
        System.exit(exitCode(s)); // no Spark yet: nothing to unwind
      }
      try {
        TimeUnit.SECONDS.sleep(GRACE_SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("still running {} s after SIG{}: exiting", GRACE_SECONDS, s.getName());
      System.exit(exitCode(s));
    }, "downhill-signal");
    stopper.setDaemon(true);
    stopper.start();
  }
}
