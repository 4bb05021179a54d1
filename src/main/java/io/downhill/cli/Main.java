package io.downhill.cli;

import io.downhill.spark.Version;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine;

/** {@code downhill}: the entry point of scripts/downhill and of spark-submit. */
@Command(name = "downhill", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
    subcommands = {TrainCommand.class, EvaluateCommand.class, GradcheckCommand.class, SearchCommand.class,
        SanityCommand.class, PredictCommand.class},
    description = "Data-parallel minibatch SGD for classifiers on Apache Spark.",
    footer = {"", "Exit codes: 0 success, 1 check failed or internal error, 2 bad input, 3 training diverged,",
        "4 cluster or resource failure (cluster gone for --cluster-timeout, executors lost, out of memory).",
        "Every flag can also be set in a properties file: --conf FILE (keys are flag names without dashes)."})
public final class Main implements Runnable {

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"downhill " + Version.DOWNHILL + " (built for Spark " + Version.SPARK_BUILT + ")"};
    }
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    Logs.enable();
    Signals.install();
    System.exit(run(System.out, System.err, args));
  }

  /** The command line: every command with its options, those of the settings it shows among them. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (CommandLine command : cl.getSubcommands().values()) {
      SettingOptions.install(command);
      command.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, new OptionSections());
    }
    return cl;
  }

  /** Runs a command line and returns its exit code (tests call this in-process). */
  public static int run(PrintStream out, PrintStream err, String... args) {
    CommandLine cl = commandLine();
    cl.setOverwrittenOptionsAllowed(true); // a flag given twice: the last one wins
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> ExitCodes.report(ex, err));
    String conf = ConfFile.find(args);
    java.util.Properties confValues = null;
    if (conf != null) {
      try {
        String sub = firstSubcommand(cl, args);
        if (sub == null) {
          err.println("downhill: error: --conf belongs to a command: train, evaluate, predict, gradcheck, search or sanity");
          return ExitCodes.BAD_INPUT;
        }
        confValues = ConfFile.install(cl.getSubcommands().get(sub), conf);
      } catch (RuntimeException e) {
        return ExitCodes.report(e, err);
      }
    }
    java.util.Properties fromFile = confValues;
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("downhill: error: " + ConfFile.origin(conf, fromFile, ex.getArgSpec(), args) + ex.getMessage()
          + " (see: downhill " + ex.getCommandLine().getCommandName().replace("downhill", "").trim() + " --help)");
      return ExitCodes.BAD_INPUT;
    });
    try {
      return cl.execute(args);
    } catch (Error e) { // picocli hands Exceptions to the handler above, not Errors (out of memory, Hadoop's FSError)
      return ExitCodes.report(e, err);
    }
  }

  private static String firstSubcommand(CommandLine cl, String[] args) {
    for (String a : args) {
      if (cl.getSubcommands().containsKey(a)) {
        return a;
      }
    }
    return null;
  }
}
