package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Colours: errors red, warnings yellow, on a terminal, in every command; never with {@code
 * --no-color} (before or after the command), {@code NO_COLOR} or {@code TERM=dumb} (or none), and never into
 * a pipe. (In a real terminal and pipes: {@link TerminalProcessTest}.)
 */
class ColourTest {
  private static final String RED_ERROR = "\u001b[31merror:\u001b[0m";
  private static final String YELLOW_WARNING = "\u001b[33mwarning:\u001b[0m";

  @TempDir Path dir;

  /** On a terminal, with TERM=xterm-256color unless {@code env} gives TERM. */
  private CliResult onTerminal(Map<String, String> env, String... args) {
    Map<String, String> all = new HashMap<>(Map.of("TERM", "xterm-256color"));
    all.putAll(env);
    return Cli.in(dir).clock(Clock.systemUTC()).env(all).onTerminal().run(args);
  }

  @Test
  void testErrors_areRedOnATerminalInEveryCommand() {
    for (String[] line :
        new String[][] {
          {"plan", "missing.yaml"}, {"apply", "missing.yaml"}, {"status", "missing.yaml"}, {"check", "missing.yaml"},
          {"history", "missing.yaml"}, {"export", "ca-cert", "missing.yaml"}, {"rollback", "missing.yaml"},
          {"sign", "missing.yaml", "--csr", "x.csr"}, {"revoke", "missing.yaml", "--serial", "01"}, {"watch", "missing.yaml"}, {"validate", "missing.yaml"},
          {"apply", "--no-such-option"}, {"fetch-cert", "[::1"}
        }) {
      CliResult run = onTerminal(Map.of(), line);

      assertThat(run.exitCode()).as(String.join(" ", line)).isNotZero();
      assertThat(run.out() + run.err()).as(String.join(" ", line) + "\n" + run).contains(RED_ERROR);
    }
  }

  @Test
  void testWarnings_areYellowOnATerminal() throws Exception {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\ntrust:\n  install: {}\n");

    CliResult run = onTerminal(Map.of(), "validate", "host.yaml");

    assertThat(run.out()).contains("host.yaml:4:12: " + YELLOW_WARNING);
  }

  @Test
  void testNoColor_everywhereAndInEveryForm() {
    List<String[]> lines =
        List.of(
            new String[] {"--no-color", "plan", "missing.yaml"},
            new String[] {"plan", "--no-color", "missing.yaml"},
            new String[] {"validate", "--no-color", "missing.yaml"},
            new String[] {"watch", "--no-color", "missing.yaml"},
            new String[] {"--no-color", "fetch-cert", "[::1"},
            new String[] {"fetch-cert", "--no-color", "[::1"});
    for (String[] line : lines) {
      CliResult run = onTerminal(Map.of(), line);

      assertThat(run.exitCode()).as(String.join(" ", line) + "\n" + run).isIn(ExitCodes.ERROR, ExitCodes.USAGE);
      assertThat(run.out() + run.err()).as(String.join(" ", line)).contains("error:").doesNotContain("\u001b[");
      assertThat(run.err()).as("--no-color is accepted").doesNotContain("unknown option");
    }
    assertThat(onTerminal(Map.of(), "apply", "--no-color", "--frobnicate").err())
        .as("a line that does not parse").startsWith("error: unknown option");
    for (Map<String, String> env : List.of(Map.of("NO_COLOR", "1"), Map.of("TERM", "dumb"))) {
      CliResult run = onTerminal(env, "plan", "missing.yaml");
      assertThat(run.err()).as(env.toString()).contains("error:").doesNotContain("\u001b[");
    }
  }

  /** No TERM, or an empty one (ssh without a pty request, then a terminal): as TERM=dumb. */
  @Test
  void testNoTerm_orAnEmptyOne_meansNoColoursAndNoProgressLine() {
    Map<String, String> empty = new HashMap<>();
    empty.put("TERM", "");
    for (Map<String, String> env : List.of(Map.<String, String>of(), empty, Map.of("TERM", "dumb"), Map.of("TERM", "xterm"))) {
      Cli terminal = Cli.in(dir).clock(Clock.systemUTC()).env(env).onTerminal();
      boolean known = env.getOrDefault("TERM", "").equals("xterm");

      String err = terminal.run("plan", "missing.yaml").err();
      assertThat(err).as(env.toString()).contains("error:");
      assertThat(err.contains("\u001b[")).as(env + ": coloured").isEqualTo(known);
      CommandLine cl = HostpkiCommand.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()), terminal.environment());
      // Off a known terminal the engine's progress is no transient line (only a wait is said, as a line).
      assertThat(((TerminalWriter) cl.getErr()).progress() instanceof TransientProgress)
          .as(env + ": a progress line").isEqualTo(known);
    }
  }

  @Test
  void testNoColor_emptyMeansUnset_asNoColorOrgSays() {
    Map<String, String> env = new HashMap<>();
    env.put("NO_COLOR", "");

    assertThat(onTerminal(env, "plan", "missing.yaml").err()).contains(RED_ERROR);
  }

  @Test
  void testNoColour_intoAPipe() {
    CliResult run = Cli.in(dir).clock(Clock.systemUTC()).env(Map.of()).run("plan", "missing.yaml");

    assertThat(run.err()).contains("error:").doesNotContain("\u001b[");
  }
}
