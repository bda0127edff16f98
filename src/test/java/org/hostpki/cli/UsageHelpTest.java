package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What every command's help and the version option promise. */
class UsageHelpTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Runs hostpki in this JVM; what it prints adds to {@link #out} and {@link #err}. */
  private int run(String... args) {
    CliResult result = Cli.in(dir).run(args);
    out.write(result.out());
    err.write(result.err());
    return result.exitCode();
  }

  /** The command line with every subcommand, printing to {@link #out} and {@link #err}. */
  private CommandLine root() {
    return HostpkiCommand.commandLine(
        new PrintWriter(out), new PrintWriter(err),
        new Environment(FileSystems.getDefault(), dir, Map.of(), Clock.systemUTC()));
  }

  @Test
  void testUsage_everyCommandShowsAnExample() {
    CommandLine root = root();

    root.getSubcommands().forEach(
        (name, command) -> {
          assertThat(command.getUsageMessage()).as(name).containsPattern("Examples?:\\n.*hostpki " + name);
        });
  }

  /** 'hostpki --help' promises it: each command's help ends with what it exits with. */
  @Test
  void testUsage_everyCommandShowsItsExitCodes() {
    CommandLine root = root();

    assertThat(root.getUsageMessage()).contains("'hostpki COMMAND --help' shows a command's options and what it exits with.");
    root.getSubcommands().forEach(
        (name, command) -> {
          assertThat(command.getUsageMessage()).as(name).containsPattern("Exit codes[^\\n]*:\\n  0   .*\\n(  .*\\n)*  64  usage error");
        });
  }

  /** validate used picocli's standard pair: "Show this help message and exit." and a -V of its own. */
  @Test
  void testHelpOption_readsTheSameInEveryCommand_andOnlyHostpkiItselfTakesVersion() {
    CommandLine root = root();

    assertThat(root.getUsageMessage()).contains("  -h, --help       Show this help and exit.\n", "-V, --version");
    root.getSubcommands().forEach(
        (name, command) -> {
          assertThat(command.getUsageMessage()).as(name).containsPattern("  -h, --help +Show this help and exit\\.\n")
              .doesNotContain("help message", "-V", "--version");
        });
  }

  @Test
  void testVersion_isWhatTheVersionCommandPrints() {
    int code = run("--version");
    String option = out.toString();
    out.getBuffer().setLength(0);
    run("version");

    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(option).startsWith("hostpki ").isEqualTo(out.toString());
  }

  @Test
  void testHelp_ofWatchCompletionAndValidateExitsZero() {
    for (String command : new String[] {"watch", "completion", "validate"}) {
      assertThat(run(command, "--help")).as(command).isEqualTo(ExitCodes.OK);
      assertThat(out.toString()).contains("Usage: hostpki " + command);
    }
  }
}
