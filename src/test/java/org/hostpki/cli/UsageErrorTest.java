package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A usage error is one line saying what is wrong and one saying where the usage is; exit 64. */
class UsageErrorTest {
  private static final List<String> COMMANDS =
      List.of("init", "validate", "plan", "apply", "status", "check", "export", "history", "rollback", "sign", "revoke", "fetch-cert",
          "inspect", "watch", "version", "completion");

  @TempDir Path dir;

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(Clock.systemUTC()).env(Map.of()).run(args);
  }

  @Test
  void testCommands_areEveryCommand() {
    CommandLine hostpki =
        HostpkiCommand.commandLineFor(
            new PrintWriter(Writer.nullWriter()),
            new PrintWriter(Writer.nullWriter()),
            new Environment(FileSystems.getDefault(), dir, Map.of(), Clock.systemUTC()));
    Set<String> every = new TreeSet<>(hostpki.getSubcommands().keySet());
    every.remove("help");

    assertThat(new TreeSet<>(COMMANDS)).as("a new command is checked here too").isEqualTo(every);
  }

  @Test
  void testUnknownOption_isOneLineAndAHintInEveryCommand() {
    for (String command : COMMANDS) {
      // with the arguments picocli wants first: it reports a missing one before an unknown option
      List<String> line = new ArrayList<>(List.of(command));
      line.addAll(
          Map.<String, List<String>>of("export", List.of("ca-cert"), "fetch-cert", List.of("device.test"), "completion", List.of("bash"),
                  "sign", List.of("--csr", "x.csr"), "revoke", List.of("--serial", "01"), "version", List.<String>of(),
                  "init", List.<String>of())
              .getOrDefault(command, List.of("x.yaml")));
      line.add("--frobnicate");
      CliResult run = hostpki(line.toArray(String[]::new));

      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.USAGE);
      assertThat(run.out()).as(command).isEmpty();
      assertThat(run.err().lines())
          .as(command)
          .containsExactly(
              "error: unknown option: '--frobnicate'",
              "Run 'hostpki " + command + " --help' for its usage.");
    }
  }

  /**
   * Found in the hostile-input trial (thostile17): picocli reports a missing argument before an
   * unknown option, so 'inspect $'--\e[2J'' said "missing required parameter: 'FILE'". The
   * unknown option is named (escaped), in every command, with or without what it needs.
   */
  @Test
  void testUnknownOptionWithoutTheArgumentsTheCommandNeeds_isNamedNotTheMissingArgument() {
    CliResult inspect = hostpki("inspect", "--\u001b[2J");
    assertThat(inspect.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(inspect.err().lines().findFirst().orElseThrow()).isEqualTo(
        "error: unknown option: '--\\x1b[2J'; a file whose name starts with '-' goes after --, as in"
            + " 'hostpki inspect -- -name'");
    for (String command : COMMANDS) {
      CliResult run = hostpki(command, "--frobnicate");
      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).as(command).startsWith("error: unknown option: '--frobnicate'");
    }
    // an option's value, and a word after --, are no options
    assertThat(hostpki("inspect", "--password-env", "-X").err()).contains("missing required parameter: 'FILE'");
  }

  /**
   * Found by a trial: 'apply --output json --bogus' printed nothing on standard output, where every
   * other failure under --output json prints the error document; a script reading it found no
   * JSON. Every command that takes --output prints it for a usage error too, with exit 64.
   */
  @Test
  void testUsageErrorUnderOutputJson_isTheErrorDocumentOnStandardOutputInEveryCommand() {
    int taking = 0;
    for (String command : COMMANDS) {
      CommandLine line = HostpkiCommand.commandLine(
          new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()),
          new Environment(FileSystems.getDefault(), dir, Map.of(), Clock.systemUTC()));
      if (line.getSubcommands().get(command).getCommandSpec().findOption("--output") == null) {
        continue;
      }
      taking++;
      List<String> words = new ArrayList<>(List.of(command, "--output", "json"));
      words.addAll(Map.<String, List<String>>of("export", List.of("ca-cert"), "fetch-cert", List.of("device.test"),
              "sign", List.of("--csr", "x.csr"), "revoke", List.of("--serial", "01"), "version", List.<String>of())
          .getOrDefault(command, List.of("x.yaml")));
      words.add("--frobnicate");
      CliResult run = hostpki(words.toArray(String[]::new));

      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.USAGE);
      tools.jackson.databind.JsonNode error = org.hostpki.json.OutputSchemas.valid("error.schema.json", run.out());
      assertThat(error.get("command").asString()).as(command).isEqualTo(command);
      assertThat(error.get("diagnostics").get(0).get("message").asString()).isEqualTo("unknown option: '--frobnicate'");
      assertThat(error.get("diagnostics").get(0).get("details").get(0).asString())
          .isEqualTo("Run 'hostpki " + command + " --help' for its usage.");
      assertThat(run.err().lines()).as("text on standard error, as without JSON").containsExactly(
          "error: unknown option: '--frobnicate'", "Run 'hostpki " + command + " --help' for its usage.");
    }
    assertThat(taking).as("commands that take --output").isGreaterThan(5);
    // --output=json, and an error found after parsing; --output text and a value after -- are not JSON
    assertThat(org.hostpki.json.OutputSchemas.valid("error.schema.json",
            hostpki("check", "x.yaml", "--output=json", "--warning", "3d", "--critical", "14d").assertExitCode(64).out())
        .get("diagnostics").get(0).get("message").asString()).startsWith("--critical 14d is further from expiry than --warning 3d");
    assertThat(hostpki("apply", "x.yaml", "--output", "text", "--bogus").assertExitCode(64).out()).isEmpty();
    // an error in hostpki's own options: the document of the command the line names
    CliResult before = hostpki("--frobnicate", "plan", "x.yaml", "--output", "json").assertExitCode(64);
    assertThat(org.hostpki.json.OutputSchemas.valid("error.schema.json", before.out()).get("command").asString())
        .isEqualTo("plan");
    assertThat(before.err()).startsWith("error: unknown option: '--frobnicate'\nRun 'hostpki --help' for its usage.\n");
    assertThat(hostpki("--frobnicate", "init", "--output", "json").assertExitCode(64).out()).as("init has no --output").isEmpty();
    assertThat(hostpki("inspect", "--bogus", "--", "--output", "json").assertExitCode(64).out()).isEmpty();
  }

  @Test
  void testEmptyOut_isAUsageErrorNotTheCurrentDirectory() {
    // -o "$UNSET": the empty name resolved to the current directory ("it is a directory")
    for (List<String> line :
        List.of(
            List.of("export", "ca-cert", "x.yaml", "-o", ""),
            List.of("plan", "x.yaml", "--out", ""),
            List.of("sign", "x.yaml", "--csr", "x.csr", "-o", ""),
            List.of("fetch-cert", "device.test", "--out", ""))) {
      CliResult run = hostpki(line.toArray(String[]::new));

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err().lines())
          .as(line.get(0))
          .containsExactly(
              "error: --out names no file (an empty argument): give a file name, or - for standard output",
              "Run 'hostpki " + line.get(0) + " --help' for its usage.");
    }
  }

  @Test
  void testMistypedOption_suggestsTheClosestOne() {
    CliResult run = hostpki("apply", "host.yaml", "--chek");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err().lines())
        .containsExactly(
            "error: unknown option: '--chek'; did you mean '--check'?",
            "Run 'hostpki apply --help' for its usage.");
  }

  @Test
  void testUnknownCommand_namesItAndSuggestsOne() {
    CliResult run = hostpki("aply", "host.yaml");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err().lines())
        .containsExactly("error: 'aply' is not a hostpki command; did you mean 'apply'?", "Run 'hostpki --help' for its usage.");
  }

  /** 'hostpki -f host.yaml plan' was "unknown options: '-f', 'host.yaml'": the option exists, in the wrong place. */
  @Test
  void testOptionOfACommandBeforeIt_saysItGoesAfterTheName() {
    assertThat(hostpki("--debug", "-f", "my host.yaml", "plan", "--output", "json").assertExitCode(64).err())
        .isEqualTo("error: unknown option: '-f'; options of a command go after its name:"
            + " hostpki --debug plan -f 'my host.yaml' --output json\nRun 'hostpki --help' for its usage.\n");
    assertThat(hostpki("--output=json", "status").assertExitCode(64).err())
        .startsWith("error: unknown option: '--output=json'; options of a command go after its name: hostpki status --output=json\n");
    assertThat(hostpki("--nagios", "status").assertExitCode(64).err())
        .as("status has no --nagios: no line that fails again")
        .startsWith("error: unknown option: '--nagios'\n");
  }

  /** 'plan --outptu json host.yaml' was "unknown options: '--outptu', 'host.yaml'": a file called an option. */
  @Test
  void testUnknownOptionAndItsValue_namesOnlyTheOption() {
    assertThat(hostpki("plan", "--outptu", "json", "host.yaml").assertExitCode(64).err())
        .isEqualTo("error: unknown option: '--outptu'; did you mean '--output'?\nRun 'hostpki plan --help' for its usage.\n");
    assertThat(hostpki("plan", "--foo", "--bar", "x.yaml", "y.yaml").assertExitCode(64).err())
        .startsWith("error: unknown options: '--foo', '--bar'\n");
  }

  @Test
  void testHelpOnAMistypedCommand_suggestsOneAsTheCommandDoes() {
    assertThat(hostpki("help", "aply").assertExitCode(64).err())
        .isEqualTo("error: 'aply' is not a hostpki command; did you mean 'apply'?\nRun 'hostpki --help' for its usage.\n");
  }

  /** picocli's "expected one of [text, json] (case-sensitive) but was 'JSON'", in hostpki's words. */
  @Test
  void testWordValue_notAmongTheWords_listsThem() {
    assertThat(hostpki("status", "--output", "JSON", "x.yaml").assertExitCode(64).err())
        .startsWith("error: invalid value for option '--output': 'JSON' is not one of text, json; did you mean 'json'?\n");
    assertThat(hostpki("completion").assertExitCode(64).err())
        .as("a missing one: its words too").startsWith("error: missing SHELL: one of bash, zsh, fish (hostpki completion bash)\n");
  }

  /**
   * Every command's --output says a word it does not take the same way: validate's own check said
   * "--output must be text, json or github, not 'xml'".
   */
  @Test
  void testOutputWord_notAmongTheWords_readsTheSameInEveryCommand() {
    for (String command : COMMANDS) {
      CommandLine.Model.OptionSpec output = HostpkiCommand.commandLineFor(
              new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()),
              new Environment(FileSystems.getDefault(), dir, Map.of(), Clock.systemUTC()), command)
          .getSubcommands().get(command).getCommandSpec().findOption("--output");
      if (output == null) {
        continue;
      }
      String words = String.join(", ", output.completionCandidates());

      assertThat(hostpki(command, "--output", "xml").assertExitCode(64).err())
          .as(command)
          .isEqualTo("error: invalid value for option '--output': 'xml' is not one of " + words + "\n"
              + "Run 'hostpki " + command + " --help' for its usage.\n");
    }
    assertThat(hostpki("validate", "--output", "GitHub").err())
        .startsWith("error: invalid value for option '--output': 'GitHub' is not one of text, json, github; did you mean 'github'?\n");
  }

  @Test
  void testNoCommand_listsTheCommandsOnOneLine() {
    CliResult run = hostpki();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err().lines()).hasSize(2);
    assertThat(run.err()).startsWith("error: no command given: init, validate, plan, apply, status,");
  }

  @Test
  void testStrayArgument_andBadValues_areOneLineEach() {
    for (String[] line :
        new String[][] {
          {"status", "a.yaml", "b.yaml"}, {"plan", "--replace", "everything"}, {"export", "everything"},
          {"watch", "--interval", "soon"}, {"fetch-cert"}, {"validate", "--output", "yaml", "x.yaml"},
          {"plan", "-f", "a.yaml", "b.yaml"}, {"completion", "tcsh"}, {"help", "plan", "extra"}
        }) {
      CliResult run = hostpki(line);

      assertThat(run.exitCode()).as(String.join(" ", line)).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err().lines()).as(String.join(" ", line) + "\n" + run).hasSize(2);
      assertThat(run.err()).as(String.join(" ", line)).startsWith("error: ").doesNotContain("Usage:");
    }
    assertThat(hostpki("status", "a.yaml", "b.yaml").err()).startsWith("error: unexpected argument 'b.yaml'\n");
    assertThat(hostpki("plan", "-f", "a.yaml", "b.yaml").err())
        .startsWith("error: two desired-state files given, -f a.yaml and b.yaml: give one\n");
    assertThat(hostpki("help", "plan", "extra").err())
        .isEqualTo("error: unexpected argument 'extra'\nRun 'hostpki help --help' for its usage.\n");
    assertThat(hostpki("help", "plan").out()).as("one command is help on it").startsWith("Usage: hostpki plan");
  }

  @Test
  void testAtFile_isAPlainArgumentNotTheFilesLines() throws Exception {
    // picocli expanded '@FILE' into FILE's lines and echoed them: under a sudoers rule for
    // 'hostpki status *', 'sudo hostpki status @/etc/shadow' printed the root-only file
    Path secret = java.nio.file.Files.writeString(dir.resolve("shadow"), "root:$6$SECRETHASH:19000\nuser1:$6$OTHER:1\n");
    String at = "@" + secret;
    for (String[] line :
        new String[][] {{"status", at}, {"check", at}, {"validate", at}, {"export", at}, {"version", at}, {"plan", "--output", "json", at}}) {
      CliResult run = hostpki(line);

      assertThat(run.out() + run.err()).as(run.toString()).doesNotContain("SECRETHASH").doesNotContain("OTHER");
      assertThat(run.exitCode()).as(run.toString()).isNotZero();
    }
    assertThat(hostpki("version", at).err()).startsWith("error: unexpected argument '" + at + "'\n");
    CliResult validate = hostpki("validate", at);
    assertThat(validate.out() + validate.err()).contains(at + ": error: no such file");
  }

  /** '-' was "no such file" for a file named '-': it names standard input, which hostpki does not read. */
  @Test
  void testDash_asTheDesiredState_saysStandardInputIsNotRead() {
    for (String[] line : new String[][] {{"plan", "-"}, {"status", "-f", "-"}, {"validate", "host.yaml", "-"}, {"check", "-f=-"}}) {
      CliResult run = hostpki(line).assertExitCode(64);

      assertThat(run.err()).as(run.toString()).isEqualTo(
          "error: the desired state is read from a file, not from standard input (-): save it to a file and name that"
              + " (./- for a file named -)\nRun 'hostpki " + line[0] + " --help' for its usage.\n");
    }
  }

  @Test
  void testJsonOption_pointsToOutputJson_andABooleanSaysItsValues() {
    assertThat(hostpki("status", "--json", "x.yaml").assertExitCode(64).err())
        .startsWith("error: unknown option: '--json'; did you mean '--output json'?\n");
    assertThat(hostpki("check", "x.yaml", "--format", "json").assertExitCode(64).err())
        .startsWith("error: unknown option: '--format'; did you mean '--output json'?\n");
    assertThat(hostpki("init", "--json").assertExitCode(64).err()).startsWith("error: unknown option: '--json'\n");
    assertThat(hostpki("plan", "x.yaml", "--detailed-exitcode=yes").assertExitCode(64).err())
        .startsWith("error: invalid value for option '--detailed-exitcode': 'yes' is not a boolean;"
            + " write --detailed-exitcode alone for true, or --detailed-exitcode=false\n");
  }

  @Test
  void testHelp_isStillTheWholeHelp() {
    CliResult run = hostpki("apply", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: hostpki apply");
  }

  /** A negative wait reached the lock as an IllegalArgumentException: "internal error". */
  @Test
  void testLockTimeout_negativeIsAUsageError() {
    for (String command : List.of("apply", "watch")) {
      CliResult run = hostpki(command, "--lock-timeout", "PT-1S").assertExitCode(64);

      assertThat(run.err()).isEqualTo(
          "error: invalid value for option '--lock-timeout': 'PT-1S' is negative; a lock timeout is 0s (fail at once)"
              + " or longer, e.g. 30s\nRun 'hostpki " + command + " --help' for its usage.\n");
    }
  }

  /** 99999999d overflowed the lock's deadline: "internal error: long overflow", exit 1. */
  @Test
  void testDuration_beyondAHundredYearsIsAUsageError() {
    CliResult run = hostpki("apply", "--lock-timeout=99999999d", "host.yaml").assertExitCode(64);

    assertThat(run.err()).isEqualTo(
        "error: invalid value for option '--lock-timeout': '99999999d' is too long: at most 36500d (100 years)\n"
            + "Run 'hostpki apply --help' for its usage.\n");
  }

  /** After "--" an argument is no option: picocli called it one, and suggested the same word. */
  @Test
  void testArgumentsAfterDashes_areArgumentsInTheMessage() {
    assertThat(hostpki("plan", "a.yaml", "--", "--output").assertExitCode(64).err())
        .startsWith("error: unexpected argument '--output' (after --, nothing is an option)\n");
    assertThat(hostpki("--", "plan").assertExitCode(64).err())
        .startsWith("error: 'plan' comes after --, where nothing is a command; leave out the --\n");
  }

  /** picocli's own words: "positional parameter at index 0 (WHAT)", "Unknown subcommand 'x'.", an empty VAR. */
  @Test
  void testParametersAreNamedByTheirLabel_andEmptyNamesAreUsageErrors() {
    assertThat(hostpki("completion", "BASH").assertExitCode(64).err())
        .startsWith("error: invalid value for SHELL: 'BASH' is not one of bash, zsh, fish; did you mean 'bash'?\n");
    assertThat(hostpki("help", "xyzzy").assertExitCode(64).err()).startsWith("error: 'xyzzy' is not a hostpki command\n");
    assertThat(hostpki("inspect", "--password-env=", "x.p12").assertExitCode(64).err())
        .startsWith("error: --password-env is empty: name the environment variable that holds the password\n");
  }
}
