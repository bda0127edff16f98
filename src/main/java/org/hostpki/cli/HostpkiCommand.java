package org.hostpki.cli;

import java.io.PrintWriter;
import org.hostpki.model.HostpkiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The top-level {@code hostpki} command: only subcommands and global options. */
@Command(
    name = "hostpki",
    mixinStandardHelpOptions = true,
    versionProvider = HostpkiCommand.Version.class,
    description = "Declarative reconciler for a host's TLS identity: internal CA, server certificate, trust store.",
    footer = {
      "",
      "Examples:",
      "  hostpki validate host.yaml",
      "  hostpki plan -f host.yaml",
      "  hostpki apply -f host.yaml",
      "  hostpki status -f host.yaml --output json",
      "",
      "Exit codes: 0 success, 1 error (nothing changed), 2 changes pending",
      "            (plan --detailed-exitcode, apply --check), 64 usage error."
    },
    subcommands = {
      ValidateCommand.class,
      PlanCommand.class,
      ApplyCommand.class,
      StatusCommand.class,
      ExportCommand.class,
      HistoryCommand.class,
      RollbackCommand.class,
      SignCommand.class,
      FetchCertCommand.class,
      WatchCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class HostpkiCommand implements Runnable {

  @Option(names = "--debug", description = "Print stack traces of errors (for bug reports).", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** Builds the command line with our exit codes, error handling and streams. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, Environment environment) {
    CommandLine cl = new CommandLine(new HostpkiCommand(), new Factory(environment));
    cl.setOut(out);
    cl.setErr(err);
    setExitCodes(cl);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter e = commandLine.getErr();
          boolean debug = debugRequested(parseResult);
          if (ex instanceof HostpkiException) {
            e.println("error: " + ex.getMessage());
          } else {
            e.println("error: internal error: " + ex + " (run with --debug for details and report it)");
          }
          if (debug) {
            ex.printStackTrace(e);
          }
          e.flush();
          return ExitCodes.ERROR;
        });
    return cl;
  }

  /**
   * Whether {@code --debug} was given anywhere on the line: {@code hostpki --debug apply} matches
   * it on the top-level command, {@code hostpki apply --debug} (an inherited option) on the
   * subcommand.
   */
  private static boolean debugRequested(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  private static void setExitCodes(CommandLine cl) {
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.ERROR);
    cl.getSubcommands().values().forEach(HostpkiCommand::setExitCodes);
  }

  /** Gives every command the environment it runs in. */
  private record Factory(Environment environment) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == Environment.class) {
        return cls.cast(environment);
      }
      for (var c : cls.getDeclaredConstructors()) {
        if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Environment.class) {
          c.setAccessible(true);
          return cls.cast(c.newInstance(environment));
        }
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = HostpkiCommand.class.getPackage().getImplementationVersion();
      return new String[] {"hostpki " + (v == null ? "development" : v)};
    }
  }
}
