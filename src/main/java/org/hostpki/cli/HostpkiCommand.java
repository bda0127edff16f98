package org.hostpki.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.check.Status;
import org.hostpki.model.HostpkiException;
import org.hostpki.model.ShellCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The top-level {@code hostpki} command: only subcommands and global options. The subcommands are
 * registered here in code, not in the annotation, so that a run can build just the one it runs
 * (see {@link #commandLineFor}).
 */
@Command(
    name = "hostpki",
    versionProvider = HostpkiCommand.Version.class,
    description = "Declarative reconciler for a host's TLS identity: internal CA, server certificate, trust store.",
    footer = {
      "",
      "Examples:",
      "  hostpki init -o host.yaml",
      "  hostpki validate host.yaml",
      "  hostpki plan -f host.yaml",
      "  hostpki apply -f host.yaml",
      "  hostpki status -f host.yaml --output json",
      "",
      "Exit codes:",
      "  0   success",
      "  1   error (nothing changed)",
      "  2   changes pending (plan --detailed-exitcode, apply/sign/revoke --check, check); for plan and apply also hooks pending",
      "  3   a hook or a trust.install target failed (the next run retries it); for check, one is pending",
      "  64  usage error",
      "",
      "'hostpki COMMAND --help' shows a command's options and what it exits with."
    })
public final class HostpkiCommand implements Runnable {
  // Over 400 lines on purpose: the one place picocli is configured. Its top-level help, the table
  // of commands, and the handlers that make every command's usage errors read alike (options
  // before the command, a value's words, suggestions, the Nagios status line first) must agree
  // with each other, and split apart they would drift.

  @Mixin HelpOption help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print version information and exit.")
  boolean version;

  @Option(names = "--debug", description = "Print stack traces of errors (for bug reports).", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @Option(
      names = "--no-color",
      description = "No colours, also on a terminal (so does NO_COLOR set to a non-empty value, or TERM dumb, empty or unset).",
      scope = CommandLine.ScopeType.INHERIT)
  boolean noColor;

  /** Options of hostpki itself that may come before the command: {@code hostpki --debug plan}. */
  private static final Set<String> LEADING_OPTIONS = Set.of("--debug", "--no-color");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "no command given: "
            + String.join(", ", spec.commandLine().getSubcommands().keySet())
            + " (hostpki COMMAND)");
  }

  /** A subcommand: the name it is called by (its {@code @Command} name) and its class. */
  private record Subcommand(String name, Class<?> type) {}

  /** Every subcommand, in the order {@code hostpki --help} lists them. */
  private static final List<Subcommand> SUBCOMMANDS =
      List.of(
          new Subcommand("init", InitCommand.class),
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
          new Subcommand("help", HelpCommand.class));

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
   * registered (after hostpki's own options, {@link #LEADING_OPTIONS}). picocli looks at a
   * subcommand's siblings only while parsing the top-level command's own arguments, so parsing,
   * help and every message are the same as with the whole tree (HostpkiCommandTest compares
   * them). Everything else gets the whole tree: no arguments,
   * {@code -h}, an unknown name with its "did you mean", {@code help} and {@code completion}
   * (they read the whole tree), other top-level options; except a lone {@code --version}, which
   * needs no subcommand. A name not in {@link #SUBCOMMANDS} (an alias, say) also gets the whole
   * tree: slower, never different.
   */
  static CommandLine commandLineFor(PrintWriter out, PrintWriter err, Environment environment, String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return commandLine(out, err, environment, List.of());
    }
    int first = 0;
    Set<String> seen = new HashSet<>();
    while (first < args.length && LEADING_OPTIONS.contains(args[first]) && seen.add(args[first])) {
      first++;
    }
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
   * Colours go only to a terminal, and not with {@code --no-color}, {@code NO_COLOR} or {@code
   * TERM=dumb}; the transient progress line only to a terminal that can erase it. No TERM, or an
   * empty one (a service's, or ssh without a pty request, then a terminal), counts as dumb: what
   * the terminal does with escape sequences is not known.
   */
  private static CommandLine commandLine(
      PrintWriter out, PrintWriter err, Environment environment, List<Subcommand> subcommands) {
    CommandLine cl = new CommandLine(new HostpkiCommand(), new Factory(environment));
    for (Subcommand s : subcommands) {
      cl.addSubcommand(s.name(), s.type());
    }
    boolean dumb = environment.variable("TERM").filter(t -> !t.isEmpty() && !"dumb".equals(t)).isEmpty();
    boolean colours = environment.variable("NO_COLOR").filter(v -> !v.isEmpty()).isEmpty() && !dumb;
    TerminalWriter stdout = TerminalWriter.to(out, colours && environment.interactive());
    TerminalWriter stderr = TerminalWriter.to(err, colours && environment.errorTerminal());
    if (environment.errorTerminal() && !dumb) {
      TransientProgress line = TransientProgress.forTerminal(err, stdout::flushTarget, width(environment));
      stdout.showProgress(line); // both erase it before they print: it may share their screen
      stderr.showProgress(line);
    }
    // picocli would replace an argument '@FILE' by FILE's lines, and echo them in a usage error:
    // 'sudo hostpki status @/etc/shadow' under a rule that allows 'hostpki status *' would print
    // a root-only file. No hostpki command needs it; '@name' is a plain argument, as in git.
    cl.setExpandAtFiles(false);
    cl.setOut(stdout);
    cl.setErr(stderr);
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    setHelpWidth(cl, environment);
    HelpParagraphs.install(cl);
    setExitCodes(cl);
    JvmErrors.load();
    cl.setExecutionStrategy(
        parseResult -> {
          if (matched(parseResult, "--no-color")) {
            stdout.withoutColour();
            stderr.withoutColour();
          }
          CommandLine.ParseResult last = last(parseResult);
          if (last.commandSpec().userObject() instanceof HelpCommand && !last.unmatched().isEmpty()) {
            // picocli lets a help request through with arguments it did not match ('help plan
            // extra'): a usage error, as in every other command.
            throw new CommandLine.UnmatchedArgumentException(last.commandSpec().commandLine(), last.unmatched());
          }
          try {
            return new CommandLine.RunLast().execute(parseResult);
          } catch (Error e) {
            // Out of heap, out of file descriptors: to the handler below, as one line.
            throw new CommandLine.ExecutionException(ran(parseResult), e.toString(), JvmErrors.describe(e));
          } finally {
            if (stderr.progress() instanceof TransientProgress line) {
              line.close();
            }
          }
        });
    cl.setParameterExceptionHandler(HostpkiCommand::usageError);
    cl.setExecutionExceptionHandler(
        (failure, commandLine, parseResult) -> {
          Exception ex = failure instanceof InvalidPathException p ? ArgumentEncoding.unusable(p, ArgumentEncoding.ofThisJvm()) : failure;
          PrintWriter e = commandLine.getErr();
          boolean debug = matched(parseResult, "--debug");
          boolean nagios = ran(parseResult).getCommandSpec().userObject() instanceof CheckCommand c && c.nagios;
          if (nagios && !jsonRequested(parseResult)) {
            // the status line first: Icinga 2 reads standard error into the same pipe
            CheckCommand.nagiosUnknown(
                commandLine.getOut(), ex instanceof HostpkiException h ? h.headline() : "internal error: " + ex);
          }
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
          return nagios ? Status.UNKNOWN.nagiosCode() : ExitCodes.ERROR;
        });
    return cl;
  }

  /**
   * Whether an option of hostpki itself ({@code --debug}, {@code --no-color}) was given anywhere
   * on the line: {@code hostpki --debug apply} matches it on the top-level command, {@code
   * hostpki apply --debug} (an inherited option) on the subcommand.
   */
  private static boolean matched(CommandLine.ParseResult parseResult, String option) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption(option)) {
        return true;
      }
    }
    return false;
  }

  /** The command that ran: the last subcommand on the line. */
  private static CommandLine ran(CommandLine.ParseResult parseResult) {
    return last(parseResult).commandSpec().commandLine();
  }

  private static CommandLine.ParseResult last(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult r = parseResult;
    while (r.subcommand() != null) {
      r = r.subcommand();
    }
    return r;
  }

  /** Whether the command that failed was asked for {@code --output json}. */
  private static boolean jsonRequested(CommandLine.ParseResult parseResult) {
    CommandLine.ParseResult r = last(parseResult);
    return r.hasMatchedOption("--output")
        && "json".equals(String.valueOf((Object) r.matchedOptionValue("--output", null)));
  }

  /**
   * A usage error is one line and a hint, as git and terraform print it: what is wrong (with
   * picocli's "did you mean" for a mistyped option or command), then where the usage is — not
   * the whole help, which would push the error out of sight.
   */
  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine command = ex.getCommandLine();
    TerminalWriter err = TerminalWriter.of(command.getErr());
    if (List.of(args).contains("--no-color")) {
      err.withoutColour(); // the line did not parse: --no-color may not have been read
    }
    String message = usageMessage(ex, List.of(args));
    String hint = "Run '" + command.getCommandSpec().qualifiedName() + " --help' for its usage.";
    boolean nagios = command.getCommandSpec().userObject() instanceof CheckCommand && nagiosAsked(List.of(args));
    // A command that takes --output, asked for json: standard output is JSON only, and says what
    // went wrong as every other failure does (schema/error.schema.json), not nothing at all.
    // 'hostpki --frob plan --output json' fails in hostpki's own options: JSON of the command named
    CommandLine named = command.getParent() == null ? namedCommand(command, List.of(args)).orElse(command) : command;
    boolean json = named.getCommandSpec().findOption("--output") != null && jsonAsked(List.of(args));
    if (nagios && !json) {
      // the status line first: Icinga 2 reads standard error into the same pipe
      CheckCommand.nagiosUnknown(command.getOut(), message);
    }
    err.println("error: " + message);
    err.println(hint);
    err.flush();
    if (json) {
      PrintWriter o = command.getOut();
      o.print(Diagnostics.usageDocument(named.getCommandName(), message, hint));
      o.flush();
    }
    return nagios ? Status.UNKNOWN.nagiosCode() : command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The first command of {@code root} the line names (before a {@code --}), if any. */
  private static Optional<CommandLine> namedCommand(CommandLine root, List<String> args) {
    return options(args).stream().filter(root.getSubcommands()::containsKey).findFirst().map(root.getSubcommands()::get);
  }

  /** The words of the line that are options: those before a {@code --}. */
  private static List<String> options(List<String> args) {
    return args.contains("--") ? args.subList(0, args.indexOf("--")) : args;
  }

  /** Whether {@code --nagios} (or {@code --nagios=true}) is on the line as an option (not after {@code --}). */
  private static boolean nagiosAsked(List<String> args) {
    return options(args).stream()
        .anyMatch(a -> a.equals("--nagios") || (a.startsWith("--nagios=") && !a.equalsIgnoreCase("--nagios=false")));
  }

  /** Whether {@code --output json} (or {@code --output=json}) is on the line as an option. */
  private static boolean jsonAsked(List<String> args) {
    List<String> options = options(args);
    for (int i = 0; i < options.size(); i++) {
      if (options.get(i).equals("--output=json")
          || (options.get(i).equals("--output") && i + 1 < options.size() && options.get(i + 1).equals("json"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * picocli's message in hostpki's words: lowercase like every other error; an unknown command
   * or a stray argument named as such instead of by its index; the closest suggestion added.
   */
  private static String usageMessage(CommandLine.ParameterException ex, List<String> args) {
    String message = ex.getMessage();
    List<String> unknown = ex instanceof CommandLine.MissingParameterException
        ? unknownOptionsOf(ex.getCommandLine(), args)
        : List.of();
    if (!unknown.isEmpty()) {
      // picocli says what is missing before what it could not place: 'inspect --\e[2J' said
      // "missing required parameter: 'FILE'" (found in the hostile-input trial, thostile17). The
      // unknown option is what is wrong, and may be the file meant.
      boolean positional = ex instanceof CommandLine.MissingParameterException m
          && m.getMissing().stream().anyMatch(CommandLine.Model.ArgSpec::isPositional);
      return unknownOptions(unknown)
          + (positional ? "; a file whose name starts with '-' goes after --, as in 'hostpki "
              + ex.getCommandLine().getCommandName() + " -- -name'" : "");
    }
    if (ex instanceof CommandLine.MissingParameterException m
        && m.getMissing().stream().anyMatch(a -> a.isPositional() && "WHAT".equals(a.paramLabel()))
        && ex.getCommandLine().getCommandSpec().userObject() instanceof ExportCommand export) {
      return ExportCommand.missingWhat(export.fileOption);
    }
    if (ex instanceof CommandLine.MissingParameterException m && m.getMissing().size() == 1
        && m.getMissing().get(0) instanceof CommandLine.Model.PositionalParamSpec p && p.completionCandidates() != null
        && p.completionCandidates().iterator().hasNext()) {
      // 'hostpki completion': "missing required parameter: 'SHELL'" said which, not what
      List<String> words = new ArrayList<>();
      p.completionCandidates().forEach(words::add);
      return "missing " + p.paramLabel() + ": one of " + String.join(", ", words) + " ("
          + ex.getCommandLine().getCommandSpec().qualifiedName() + " " + words.get(0) + ")";
    }
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      // after "--" nothing is an option: 'plan a.yaml -- --output' has a stray argument, and
      // 'hostpki -- plan' no command (picocli suggested the very word given)
      boolean afterDashes = args.contains("--") && args.lastIndexOf(first) > args.indexOf("--");
      boolean root = ex.getCommandLine().getParent() == null;
      if (!first.startsWith("-") || afterDashes) {
        message = root ? "'" + first + "' is not a hostpki command" : "unexpected argument '" + first + "'";
        if (afterDashes) {
          message = root
              ? "'" + first + "' comes after --, where nothing is a command; leave out the --"
              : message + " (after --, nothing is an option)";
        }
      } else {
        message = unknownOptions(u.getUnmatched());
      }
      Optional<String> reordered = root && first.startsWith("-") && !afterDashes
          ? optionOfTheCommand(ex.getCommandLine(), first, args)
          : Optional.empty();
      boolean json = first.equals("--json") || first.startsWith("--json=") || first.equals("--format");
      if (reordered.isPresent()) {
        message += "; options of a command go after its name: " + reordered.get();
      } else if (json && ex.getCommandLine().getCommandSpec().findOption("--output") != null) {
        // gh's --json, other tools' --format: picocli finds nothing close to either
        message += "; did you mean '--output json'?";
      } else if (!u.getSuggestions().isEmpty() && !u.getSuggestions().get(0).equals(first)) {
        message += "; did you mean '" + u.getSuggestions().get(0) + "'?";
      }
    }
    // an enum's value: "expected one of [text, json] (case-sensitive) but was 'xml'"
    Matcher choice = Pattern.compile("^(Invalid value for .*?): expected one of \\[(.*)\\] \\(case-sensitive\\) but was '(.*)'$")
        .matcher(message);
    if (choice.matches()) {
      List<String> words = List.of(choice.group(2).split(", "));
      String lower = choice.group(3).toLowerCase(Locale.ROOT);
      message = choice.group(1) + ": '" + choice.group(3) + "' is not one of " + String.join(", ", words)
          + (words.contains(lower) ? "; did you mean '" + lower + "'?" : "");
    }
    // "invalid value for positional parameter at index 0 (WHAT): ..." names it by its label
    message = message.replaceFirst("^Invalid value for positional parameter at index \\d+ \\((.*?)\\): ", "Invalid value for $1: ");
    // '--nagios=yes': picocli says what is wrong, not what is right
    message = message.replaceFirst("^(Invalid value for option '(--[a-z-]+)': '.*' is not a boolean)$",
        "$1; write $2 alone for true, or $2=false");
    // an argument group's messages (revoke's --serial | --cert) come with picocli's own "Error: "
    message = message.replaceFirst("^Error: ", "");
    if (message.length() > 1 && Character.isUpperCase(message.charAt(0)) && Character.isLowerCase(message.charAt(1))) {
      message = Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
    return message;
  }

  /**
   * The words on the line for {@code command} (after its name, before a {@code --}) that look like
   * options it does not have: what picocli would have called unknown, had nothing been missing.
   * An option's value is skipped; {@code -ojson} is {@code -o} with its value.
   */
  private static List<String> unknownOptionsOf(CommandLine command, List<String> args) {
    List<String> line = options(args);
    if (command.getParent() != null) {
      int at = line.indexOf(command.getCommandName());
      line = at < 0 ? List.of() : line.subList(at + 1, line.size());
    }
    CommandLine.Model.CommandSpec spec = command.getCommandSpec();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < line.size(); i++) {
      String word = line.get(i);
      if (!word.startsWith("-") || word.length() == 1 || word.matches("-[0-9.]+")) {
        continue;
      }
      String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
      CommandLine.Model.OptionSpec option = spec.findOption(name);
      if (option == null && !word.startsWith("--") && word.length() > 2) {
        option = spec.findOption(word.substring(0, 2)); // -ojson: -o json
        if (option != null) {
          continue;
        }
      }
      if (option == null) {
        unknown.add(word);
      } else if (!word.contains("=") && option.arity().min() > 0) {
        i++; // its value
      }
    }
    return unknown;
  }

  /**
   * "unknown options: '--outptu', 'host.yaml'" named a file an option: picocli lists every word
   * it could not place, and after an unknown option its value ('json') takes the place of the
   * file. Only the options are named.
   */
  private static String unknownOptions(List<String> unmatched) {
    List<String> options = unmatched.stream().filter(a -> a.startsWith("-")).map(a -> "'" + a + "'").distinct().toList();
    return (options.size() == 1 ? "unknown option: " : "unknown options: ") + String.join(", ", options);
  }

  /**
   * 'hostpki -f host.yaml plan': an option of a command given before the command's name, where
   * only hostpki's own options go. The line with it moved after the name, when the command takes
   * it.
   */
  private static Optional<String> optionOfTheCommand(CommandLine root, String option, List<String> args) {
    int at = -1;
    for (int i = 0; i < args.size() && !args.get(i).equals("--"); i++) {
      if (root.getSubcommands().containsKey(args.get(i))) {
        at = i;
        break;
      }
    }
    if (at < 0 || root.getSubcommands().get(args.get(at)).getCommandSpec().findOption(option.replaceFirst("=.*", "")) == null) {
      return Optional.empty();
    }
    List<String> line = new ArrayList<>(List.of("hostpki"));
    args.subList(0, at).stream().filter(LEADING_OPTIONS::contains).forEach(line::add);
    line.add(args.get(at));
    args.subList(0, at).stream().filter(a -> !LEADING_OPTIONS.contains(a)).forEach(line::add);
    line.addAll(args.subList(at + 1, args.size()));
    return Optional.of(ShellCommand.of(line));
  }

  /** The terminal's columns for a line that must not wrap: COLUMNS when it is set, else 80. */
  private static int width(Environment environment) {
    return environment.variable("COLUMNS").flatMap(HostpkiCommand::positiveNumber).orElse(80);
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
