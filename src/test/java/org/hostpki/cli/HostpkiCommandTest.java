package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A run builds only the subcommand it names ({@link HostpkiCommand#commandLineFor}); whatever it
 * prints and returns must be exactly what the whole command tree gives.
 */
class HostpkiCommandTest {
  private static final List<String> RUNNABLE_ALONE =
      List.of("init", "validate", "plan", "apply", "status", "check", "export", "history", "rollback", "sign", "revoke", "fetch-cert", "inspect", "watch", "version");

  @TempDir Path dir;

  private record Outcome(int code, String out, String err) {}

  private Environment environment() {
    return new Environment(
        FileSystems.getDefault(), dir, Map.of(), Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
  }

  private Outcome run(Function<Environment, CommandLineBuilder> how, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    int code = how.apply(environment()).build(o, e, args).execute(args);
    o.flush();
    e.flush();
    return new Outcome(code, out.toString(), withoutTestFrames(err.toString()));
  }

  /** A --debug stack trace ends in this test's and JUnit's frames, which differ per call site. */
  private static String withoutTestFrames(String text) {
    int test = text.indexOf("\tat " + HostpkiCommandTest.class.getName());
    return test < 0 ? text : text.substring(0, test);
  }

  private interface CommandLineBuilder {
    CommandLine build(PrintWriter out, PrintWriter err, String... args);
  }

  private Outcome whole(String... args) {
    return run(env -> (o, e, a) -> HostpkiCommand.commandLine(o, e, env), args);
  }

  private Outcome forTheLine(String... args) {
    return run(env -> (o, e, a) -> HostpkiCommand.commandLineFor(o, e, env, a), args);
  }

  private CommandLine builtFor(String... args) {
    return HostpkiCommand.commandLineFor(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), environment(), args);
  }

  private void assertSameAsWholeTree(List<String[]> lines) {
    for (String[] line : lines) {
      Outcome expected = whole(line);
      assertThat(forTheLine(line)).as(String.join(" ", line)).isEqualTo(expected);
    }
  }

  @Test
  void testCommandLineFor_buildsOnlyTheNamedSubcommand() {
    for (String name : RUNNABLE_ALONE) {
      assertThat(builtFor(name, "--help").getSubcommands().keySet()).as(name).containsExactly(name);
      assertThat(builtFor("--debug", name).getSubcommands().keySet()).as(name).containsExactly(name);
    }
  }

  @Test
  void testCommandLineFor_buildsNoSubcommandForALoneVersionOption() {
    assertThat(builtFor("--version").getSubcommands()).isEmpty();
    assertThat(builtFor("-V").getSubcommands()).isEmpty();
  }

  @Test
  void testCommandLineFor_versionIsTheWholeTreesVersion() {
    assertSameAsWholeTree(List.of(new String[] {"--version"}, new String[] {"-V"}));
    assertThat(forTheLine("--version").out()).startsWith("hostpki ");
  }

  @Test
  void testCommandLineFor_buildsTheWholeTreeWhenTheLineDoesNotStartWithARunnableSubcommand() {
    List<String> every = wholeTreeNames();
    String[][] lines = {
      {}, {"--help"}, {"-h", "plan"}, {"--version", "plan"}, {"-V", "-V"}, {"--debug", "--version"},
      {"--debug"}, {"--debug", "--debug", "plan"}, {"help"}, {"help", "plan"}, {"completion", "bash"},
      {"--debug", "completion", "bash"}, {"nosuch"}, {"pla"}, {"Plan"}, {"@args.txt"}, {"--", "plan"},
      {"--debug=true", "plan"},
    };
    for (String[] line : lines) {
      assertThat(builtFor(line).getSubcommands().keySet()).as(String.join(" ", line)).containsExactlyElementsOf(every);
    }
  }

  private List<String> wholeTreeNames() {
    return new ArrayList<>(
        HostpkiCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), environment())
            .getSubcommands()
            .keySet());
  }

  @Test
  void testCommandLine_registersEverySubcommandUnderItsAnnotatedNameInHelpOrder() {
    CommandLine whole =
        HostpkiCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), environment());

    whole.getSubcommands().forEach((name, sub) -> assertThat(sub.getCommandSpec().name()).isEqualTo(name));
    List<String> expected = new ArrayList<>(RUNNABLE_ALONE);
    expected.addAll(List.of("completion", "help"));
    assertThat(whole.getSubcommands().keySet()).containsExactlyElementsOf(expected);
  }

  @Test
  void testCommandLineFor_helpOfEverySubcommandIsTheWholeTreesHelp() {
    List<String[]> lines = new ArrayList<>();
    for (String name : RUNNABLE_ALONE) {
      lines.add(new String[] {name, "--help"});
      lines.add(new String[] {name, "-h"});
      lines.add(new String[] {"--debug", name, "--help"});
      lines.add(new String[] {name, "--debug", "--help"});
    }
    assertSameAsWholeTree(lines);
  }

  @Test
  void testCommandLineFor_usageErrorsOfEverySubcommandAreTheWholeTreesErrors() {
    List<String[]> lines = new ArrayList<>();
    for (String name : RUNNABLE_ALONE) {
      lines.add(new String[] {name, "--no-such-option"});
      lines.add(new String[] {"--debug", name, "--no-such-option"});
      lines.add(new String[] {name, "--debug", "--debug", "--no-such-option"});
      lines.add(new String[] {name, "--outpt", "json"});
      lines.add(new String[] {name, "-f"});
      lines.add(new String[] {name, "--output", "yaml", "-f", "x.yaml", "extra", "--no-such-option"});
      lines.add(new String[] {name, "plan", "--no-such-option"});
    }
    lines.add(new String[] {"plan", "-f", "x.yaml", "--replace", "everything"});
    lines.add(new String[] {"apply", "-f", "x.yaml", "--replace", "everything"});
    lines.add(new String[] {"export", "everything", "-f", "x.yaml"});
    lines.add(new String[] {"watch", "-f", "x.yaml", "--interval", "soon"});
    lines.add(new String[] {"fetch-cert", "no-port", "--timeout", "never"});
    lines.add(new String[] {"validate", "--output", "yaml", "x.yaml"});
    assertSameAsWholeTree(lines);
    assertThat(forTheLine("plan", "--no-such-option").code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void testCommandLineFor_errorsWhileRunningAreTheWholeTreesErrors() {
    List<String[]> lines = new ArrayList<>();
    for (String name : List.of("plan", "apply", "status", "history")) {
      lines.add(new String[] {name, "-f", "missing.yaml"});
      lines.add(new String[] {"--debug", name, "-f", "missing.yaml"});
      lines.add(new String[] {name, "--debug", "-f", "missing.yaml", "--output", "json"});
    }
    lines.add(new String[] {"validate", "missing.yaml"});
    lines.add(new String[] {"--debug", "validate", "--output", "json", "missing.yaml"});
    assertSameAsWholeTree(lines);
    assertThat(forTheLine("plan", "-f", "missing.yaml").code()).isEqualTo(ExitCodes.ERROR);
  }
}
