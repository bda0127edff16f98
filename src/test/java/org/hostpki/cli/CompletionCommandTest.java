package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * The completion scripts, sourced by the real shells without a terminal (CompletionShellTest
 * types into them), and the words they offer, each of which the commands accept.
 */
@Tag(Tags.INTEROP)
class CompletionCommandTest {
  @TempDir Path dir;

  private Path script(String shell) throws IOException {
    return completionScript(dir, shell);
  }

  /** {@code hostpki completion SHELL}, saved in {@code dir} as hostpki.SHELL. */
  static Path completionScript(Path dir, String shell) throws IOException {
    CliResult run = Cli.in(dir).run("completion", shell).assertSucceeded();
    return Files.writeString(dir.resolve("hostpki." + shell), run.out());
  }

  /** Runs a shell without a terminal; it must succeed. Returns stdout, then stderr. */
  private static String shell(String... command) {
    return Command.of(List.of(command)).run().assertSucceeded().output();
  }

  private Completion.Tree tree(CommandLine root) {
    return Completion.of(root.getCommandSpec());
  }

  private CommandLine root() {
    return HostpkiCommand.commandLine(
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        new Environment(FileSystems.getDefault(), dir, Map.of(), Clock.systemUTC()));
  }

  /** Completes the words the way bash does on TAB and prints the candidates in brackets. */
  private static final String COMPLETE =
      "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\";"
          + " COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _hostpki 2>/dev/null;"
          + " echo \"[${COMPREPLY[*]}]\"; }; ";

  @Test
  void testCompletion_bashCompletesCommandsAndArguments() throws Exception {
    Tool.BASH.require();
    Path script = script("bash");

    String output =
        shell(
            "bash", "--norc", "-c",
            "source " + script + "; " + COMPLETE
                + "t hostpki ap; t hostpki completion ''; t hostpki validate --output ''; t hostpki watch --debo;"
                + " t hostpki export -f x ''; t hostpki apply --replace ''; t hostpki plan --output = j;"
                + " t hostpki --debug ex; t hostpki fetch-cert --timeout ''; t hostpki help rol");

    assertThat(output.lines())
        .containsExactly(
            "[apply]", "[bash zsh fish]", "[text json github]", "[--debounce]",
            "[ca-cert ca-next-cert server-cert server-chain csr trust-bundle crl previous-crl]", "[ca server]", "[json]", "[export]", "[]",
            "[rollback]");
  }

  @Test
  void testCompletion_zshRegistersTheBashCompletion() throws Exception {
    Tool.ZSH.require();
    Path script = script("zsh");

    // without compinit loaded: the script loads it
    String output = shell("zsh", "-f", "-c", "source " + script + " && print -r -- ${_comps[hostpki]}");

    assertThat(output).contains("_hostpki");
  }

  @Test
  void testCompletion_unknownShellIsAUsageError() {
    CliResult run = Cli.in(dir).run("completion", "tcsh");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("tcsh");
  }

  @Test
  void testCompletion_fishLoadsTheScript() throws Exception {
    Tool.FISH.require();
    Path script = script("fish");

    String output =
        shell("env", "HOME=" + dir, "fish", "--no-config", "-c", "source " + script + "; complete -C 'hostpki export -f x t'");

    assertThat(output).isEqualTo("trust-bundle\n");
  }

  /** Every word a script offers, for an option or a parameter, is one the command accepts. */
  @Test
  void testCompletion_everyOfferedWordIsAccepted() {
    CommandLine root = root();
    Completion.Tree tree = tree(root);
    int offered = 0;
    for (Completion.Command command : tree.commands()) {
      for (Completion.Option option : command.options()) {
        if (option.takesValue() && option.value().kind() == Completion.Kind.WORDS) {
          for (String word : option.value().words()) {
            assertAccepted(root, command.name(), option.names().get(0), word);
            offered++;
          }
        }
      }
      for (Completion.Positional p : command.positionals()) {
        if (p.value().kind() == Completion.Kind.WORDS) {
          for (String word : p.value().words()) {
            assertAccepted(root, command.name(), word);
            offered++;
          }
        }
      }
    }
    assertThat(offered).isGreaterThan(20);
  }

  /** Parsing may miss a required option; it must not reject the value. */
  private static void assertAccepted(CommandLine root, String... args) {
    try {
      root.parseArgs(args);
    } catch (CommandLine.MissingParameterException e) {
      // the value converted; something else is missing
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError("hostpki " + String.join(" ", args) + ": " + e.getMessage(), e);
    }
  }

  @Test
  void testCompletion_fileOptionsCompleteFileNames() {
    CommandLine root = root();
    Completion.Tree tree = tree(root);
    for (Completion.Command command : tree.commands()) {
      for (Completion.Option option : command.options()) {
        if (option.takesValue()
            && (option.names().contains("-f") || option.names().contains("-o") || option.names().contains("--out")
                || option.names().contains("--csr") || option.names().contains("--plan"))) {
          assertThat(option.value().kind()).as("hostpki %s %s", command.name(), option.names()).isEqualTo(Completion.Kind.FILES);
        }
      }
    }
  }
}
