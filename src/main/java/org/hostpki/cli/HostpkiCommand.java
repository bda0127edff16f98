package org.hostpki.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.HostpkiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The top-level {@code hostpki} command: only subcommands and global options. The subcommands are
 * registered here in code, not in the annotation, so that a run can build just the one it runs
 * (see {@link #commandLineFor}).
 */
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
      "Exit codes:",
      "  0   success",
      "  1   error (nothing changed)",
      "  2   changes or hooks pending (plan --detailed-exitcode, apply --check, check)",
      "  3   a hook failed or is pending (recorded; the next run retries it)",
      "  64  usage error",
      "",
      "'hostpki COMMAND --help' shows a command's options and what it exits with."
    })
public final class HostpkiCommand implements Runnable {

  @Option(names = "--debug", description = "Print stack traces of errors (for bug reports).", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** A subcommand: the name it is called by (its {@code @Command} name) and its class. */
  private record Subcommand(String name, Class<?> type) {}

  /** Every subcommand, in the order {@code hostpki --help} lists them. */
  private static final List<Subcommand> SUBCOMMANDS =
      List.of(
          new Subcommand("validate", ValidateCommand.class),
          new Subcommand("plan", PlanCommand.class),
          new Subcommand("apply", ApplyCommand.class),
          new Subcommand("status", StatusCommand.class),
          new Subcommand("check", CheckCommand.class),
          new Subcommand("export", ExportCommand.class),
          new Subcommand("history", HistoryCommand.class),
          new Subcommand("rollback", RollbackCommand.class),
          new Subcommand("sign", SignCommand.class),
          new Subcommand("revoke", RevokeCommand.class),
          new Subcommand("fetch-cert", FetchCertCommand.class),
          new Subcommand("inspect", InspectCommand.class),
          new Subcommand("watch", WatchCommand.class),
          new Subcommand("version", VersionCommand.class),
          new Subcommand("completion", CompletionCommand.class),
          new Subcommand("help", CommandLine.HelpCommand.class));

  /** Subcommands that read the whole tree (the completion script, help on another command). */
  private static final Set<String> NEED_EVERY_SUBCOMMAND = Set.of("completion", "help");

  /** Builds the command line with every subcommand, our exit codes, error handling and streams. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, Environment environment) {
    return commandLine(out, err, environment, SUBCOMMANDS);
  }

  /**
   * Builds the command line for running {@code args}. picocli inspects every option, parameter and
   * converter of every registered command by reflection when it builds the tree, a good part of a
   * converged run's start-up; a run uses one subcommand. So when the line starts with the name of
   * a subcommand that runs by itself (after at most one {@code --debug}), only that subcommand is
   * registered. picocli looks at a subcommand's siblings only while parsing the top-level
   * command's own arguments, so parsing, help and every message are the same as with the whole
   * tree (HostpkiCommandTest compares them). Everything else gets the whole tree: no arguments,
   * {@code -h}, an unknown name with its "did you mean", {@code help} and {@code completion}
   * (they read the whole tree), other top-level options; except a lone {@code --version}, which
   * needs no subcommand. A name not in {@link #SUBCOMMANDS} (an alias, say) also gets the whole
   * tree: slower, never different.
   */
  static CommandLine commandLineFor(PrintWriter out, PrintWriter err, Environment environment, String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return commandLine(out, err, environment, List.of());
    }
    int first = args.length > 0 && "--debug".equals(args[0]) ? 1 : 0;
    if (first < args.length && !NEED_EVERY_SUBCOMMAND.contains(args[first])) {
      for (Subcommand s : SUBCOMMANDS) {
        if (s.name().equals(args[first])) {
          return commandLine(out, err, environment, List.of(s));
        }
      }
    }
    return commandLine(out, err, environment);
  }

  /**
   * Every command prints through a {@link TerminalWriter}, which lets no control character from
   * outside reach the terminal. picocli's own colours would be escaped by it, so its help is plain.
   */
  private static CommandLine commandLine(
      PrintWriter out, PrintWriter err, Environment environment, List<Subcommand> subcommands) {
    CommandLine cl = new CommandLine(new HostpkiCommand(), new Factory(environment));
    for (Subcommand s : subcommands) {
      cl.addSubcommand(s.name(), s.type());
    }
    cl.setOut(TerminalWriter.of(out));
    cl.setErr(TerminalWriter.of(err));
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    setHelpWidth(cl, environment);
    setExitCodes(cl);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter e = commandLine.getErr();
          boolean debug = debugRequested(parseResult);
          if (ex instanceof HostpkiException h) {
            // One line each: a line break in what a message quotes is shown, not obeyed.
            e.println("error: " + h.headline());
            h.details().forEach(d -> e.println("  " + d));
          } else {
            e.println("error: internal error: " + ex + " (run with --debug for details and report it)");
          }
          if (debug) {
            TerminalWriter.of(e).printStackTraceOf(ex);
          }
          e.flush();
          if (jsonRequested(parseResult)) {
            // Scripts read standard output: the error goes there too, as a JSON document.
            PrintWriter o = commandLine.getOut();
            o.print(Diagnostics.document(commandLine.getCommandName(), ex));
            o.flush();
          }
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

  /** Whether the command that failed was asked for {@code --output json}. */
  private static boolean jsonRequested(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult r = parseResult;
    while (r.subcommand() != null) {
      r = r.subcommand();
    }
    return r.hasMatchedOption("--output")
        && "json".equals(String.valueOf((Object) r.matchedOptionValue("--output", null)));
  }

  /**
   * Help is wrapped by picocli alone (the texts hold whole paragraphs), at the terminal's width:
   * {@code COLUMNS} when it is set (a shell sets it but seldom exports it), else what the terminal
   * says (picocli asks {@code stty} only when it prints help), else 80.
   */
  private static void setHelpWidth(CommandLine cl, Environment environment) {
    Optional<Integer> columns = environment.variable("COLUMNS").flatMap(HostpkiCommand::positiveNumber);
    if (columns.isPresent()) {
      cl.setUsageHelpWidth(Math.max(columns.get(), MINIMUM_HELP_WIDTH));
    } else {
      cl.setUsageHelpAutoWidth(true);
    }
  }

  /** picocli's own minimum: narrower terminals get lines that the terminal wraps. */
  private static final int MINIMUM_HELP_WIDTH = 55;

  private static Optional<Integer> positiveNumber(String text) {
    try {
      int n = Integer.parseInt(text.strip());
      return n > 0 ? Optional.of(n) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
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
      // picocli formats each line (String.format): a '%' in a path must stay a '%'
      return VersionReport.ofThisProcess().text().replace("%", "%%").split("\n");
    }
  }
}
