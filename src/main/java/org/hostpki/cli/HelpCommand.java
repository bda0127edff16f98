package org.hostpki.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code hostpki help [COMMAND]}: what {@code hostpki [COMMAND] --help} prints. picocli's own help
 * command did the same, but its {@code help --help} read unlike every other command's (its own
 * wording and layout, no examples, no exit codes); this one is declared as the others are.
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the help of hostpki, or of one command: 'hostpki help plan' is 'hostpki plan --help'.",
    footer = {
      "",
      "Examples:",
      "  hostpki help",
      "  hostpki help apply",
      "",
      "Exit codes:",
      "  0   shown",
      "  1   standard output could not be written",
      "  64  usage error: not a hostpki command, or more than one"
    })
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Callable<Integer> {
  @Mixin HelpOption help;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..1",
      description = "The command whose help to show (default: hostpki's own, with every command).")
  String command;

  private CommandLine self;
  private CommandLine.Help.ColorScheme colours;
  private PrintWriter out;

  @Override
  public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter outWriter, PrintWriter errWriter) {
    this.self = helpCommandLine;
    this.colours = colorScheme;
    this.out = outWriter;
  }

  @Override
  public Integer call() {
    CommandLine hostpki = self.getParent();
    CommandLine shown = command == null ? hostpki : hostpki.getSubcommands().get(command);
    if (shown == null) {
      // as 'hostpki aply' says it, with its "did you mean"
      List<String> similar = new CommandLine.UnmatchedArgumentException(hostpki, List.of(command)).getSuggestions();
      throw new CommandLine.ParameterException(
          hostpki,
          "'" + command + "' is not a hostpki command"
              + (similar.isEmpty() || similar.get(0).equals(command) ? "" : "; did you mean '" + similar.get(0) + "'?"));
    }
    shown.usage(out, colours);
    return shown.getCommandSpec().exitCodeOnUsageHelp();
  }
}
