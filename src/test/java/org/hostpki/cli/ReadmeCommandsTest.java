package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.testkit.Cli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README's table of commands, and the commands' own help, against what the commands do: a
 * row for every command, naming every option it takes, so that an option added to a command
 * (fetch-cert's --servername, apply's --revoke-old) reaches the reader who scans the table, not
 * only --help. Options every reporting command has (--help, --output, -f) are said once, under
 * the table.
 */
class ReadmeCommandsTest {
  /** Said once under the table ("FILE is …, or -f FILE"; "Every reporting command takes --output"). */
  private static final Set<String> COMMON = Set.of("--help", "--output", "--file", "--debug", "--no-color");

  @Test
  void testReadme_commandsTableNamesEveryCommandAndItsOptions() throws Exception {
    String readme = Files.readString(Cli.projectDir().resolve("README.md"), StandardCharsets.UTF_8);
    String table = readme.substring(readme.indexOf("\n## Commands\n"), readme.indexOf("\nExit codes:\n"));
    Set<String> missing = new TreeSet<>();
    commandLine().getSubcommands().forEach((name, command) -> {
      String row = table.lines().filter(l -> l.startsWith("| `hostpki " + name + " ") || l.startsWith("| `hostpki " + name + "`"))
          .findFirst().orElse(null);
      if (row == null) {
        missing.add("hostpki " + name + ": no row");
        return;
      }
      String synopsis = row.split("` \\|", 2)[0];
      for (OptionSpec o : command.getCommandSpec().options()) {
        if (o.hidden() || o.scopeType() == CommandLine.ScopeType.INHERIT || COMMON.contains(o.longestName())) {
          continue;
        }
        if (Arrays.stream(o.names()).noneMatch(n -> Pattern.compile("(?<![\\w-])" + Pattern.quote(n) + "(?![\\w-])").matcher(synopsis).find())) {
          missing.add("hostpki " + name + " " + o.longestName());
        }
      }
    });
    assertThat(missing).as("commands and options the README's table of commands does not show (README.md, ## Commands)").isEmpty();
  }

  /**
   * What an option that writes a file is given, in the table as in --help, the man page and
   * completion: export's row said -o OUT where its help and errors said -o FILE.
   */
  @Test
  void testReadme_namesTheFileAnOptionWritesAsHelpDoes() throws Exception {
    String readme = Files.readString(Cli.projectDir().resolve("README.md"), StandardCharsets.UTF_8);
    String table = readme.substring(readme.indexOf("\n## Commands\n"), readme.indexOf("\nExit codes:\n"));
    commandLine().getSubcommands().forEach((name, command) -> {
      OptionSpec out = command.getCommandSpec().findOption("--out");
      if (out != null) {
        String row = table.lines().filter(l -> l.startsWith("| `hostpki " + name + " ")).findFirst().orElseThrow();
        assertThat(row.split("` \\|", 2)[0]).as("hostpki %s", name).contains("[" + out.shortestName() + " " + out.paramLabel() + "]");
      }
    });
  }

  @Test
  void testReadme_commonOptionsAreSaidUnderTheTable() throws Exception {
    String readme = Files.readString(Cli.projectDir().resolve("README.md"), StandardCharsets.UTF_8);
    String commands = readme.substring(readme.indexOf("\n## Commands\n"), readme.indexOf("\n### Reading a plan\n"));

    assertThat(commands).contains("`-f FILE`", "`--output text|json`", "`hostpki COMMAND --help`", "`--no-color`", "`--debug`");
  }

  /** The values TAB offers, as the README's "Shell completion" lists them (it once left out crl). */
  @Test
  void testReadme_shellCompletionListsTheValuesOffered() throws Exception {
    String readme = Files.readString(Cli.projectDir().resolve("README.md"), StandardCharsets.UTF_8);
    var commands = commandLine().getSubcommands();
    String replace = String.join(" ", commands.get("apply").getCommandSpec().findOption("--replace").completionCandidates());
    String export = String.join(" ", commands.get("export").getCommandSpec().positionalParameters().get(0).completionCandidates());

    assertThat(offered(readme, "--replace")).isEqualTo(replace);
    assertThat(offered(readme, "export")).isEqualTo(export);
  }

  /**
   * fish makes no ~/.config/fish/completions of its own: on a fresh account the README's and
   * the help's "hostpki completion fish > ~/.config/fish/completions/hostpki.fish" failed with "No
   * such file or directory". Each makes the folder on the line before.
   */
  @Test
  void testReadmeAndHelp_makeFishsCompletionFolderBeforeWritingIntoIt() throws Exception {
    String readme = Files.readString(Cli.projectDir().resolve("README.md"), StandardCharsets.UTF_8);
    String help = commandLine().getSubcommands().get("completion").getUsageMessage(CommandLine.Help.Ansi.OFF);

    for (String text : new String[] {readme, help}) {
      String[] lines = text.split("\n");
      int writes = 0;
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].contains("> ~/.config/fish/completions/")) {
          writes++;
          assertThat(i > 0 ? lines[i - 1] : "").as("the line before: %s", lines[i]).contains("mkdir -p ~/.config/fish/completions");
        }
      }
      assertThat(writes).isPositive();
    }
  }

  /** What the README says TAB offers for an option or command: "`export` offers `a b c`". */
  private static String offered(String readme, String what) {
    Matcher m = Pattern.compile("`" + Pattern.quote(what) + "` offers `([^`]*)`").matcher(readme.replaceAll("\\s+", " "));
    assertThat(m.find()).as("README.md, Shell completion: `%s` offers `...`", what).isTrue();
    return m.group(1);
  }

  /** A check that cannot look says UNKNOWN also without --nagios: its help said OK, WARNING, CRITICAL. */
  @Test
  void testCheckHelp_namesEveryStatusTheSummaryLineStartsWith() {
    String description = String.join(" ", commandLine().getSubcommands().get("check").getCommandSpec().usageMessage().description());

    for (org.hostpki.check.Status status : org.hostpki.check.Status.values()) {
      assertThat(description).as("hostpki check's description").contains(status.name());
    }
  }

  private static CommandLine commandLine() {
    return HostpkiCommand.commandLine(
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        new Environment(FileSystems.getDefault(), Path.of("."), Map.of(), Clock.systemUTC()));
  }
}
