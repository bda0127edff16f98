package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.hostpki.testkit.Cli;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/** The manual pages the build writes: complete, and clean troff. */
@Tag(Tags.INTEROP)
class ManPagesTest {
  @TempDir Path dir;

  /** The pages by file name, written once for the class: every test reads the same build output. */
  private static final Map<String, String> PAGES = new java.util.HashMap<>();

  private String page(String name) throws Exception {
    synchronized (PAGES) {
      if (PAGES.isEmpty()) {
        DistributionFiles.write(dir, Files.readString(Cli.projectDir().resolve("examples/quickstart.yaml")));
        for (String page : List.of("man/man1/hostpki.1.gz", "man/man5/hostpki.yaml.5.gz")) {
          try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(page)))) {
            PAGES.put(page, new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
      }
      return PAGES.get(name);
    }
  }

  private static CommandLine root() {
    return HostpkiCommand.commandLine(
        new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        new Environment(FileSystems.getDefault(), Path.of("."), Map.of(), Clock.systemUTC()));
  }

  /** groff's warnings (all of them) for a page; empty when it is clean. */
  private static String groffWarnings(String page) throws Exception {
    assumeTrue(
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "groff"))),
        "groff is not installed");
    Process p = new ProcessBuilder("groff", "-man", "-Tutf8", "-wall", "-z").redirectErrorStream(true).start();
    try (var in = new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)); var out = p.getOutputStream()) {
      in.transferTo(out);
    }
    String warnings = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return warnings;
  }

  /**
   * The lines of a page's no-fill blocks (examples) that would run past 80 columns in man's 7-column
   * margin; troff escapes count as the one character they print.
   */
  private static List<String> literalLinesPast80Columns(String page) {
    List<String> wide = new ArrayList<>();
    boolean literal = false;
    for (String line : page.split("\n")) {
      if (line.equals(".nf") || line.equals(".fi")) {
        literal = line.equals(".nf");
      } else if (literal && 7 + line.replaceAll("\\\\(\\(..|.)", "x").length() > 80) {
        wide.add(line);
      }
    }
    return wide;
  }

  @Test
  void testHostpki1_describesEveryCommandAndOption() throws Exception {
    String page = page("man/man1/hostpki.1.gz");

    root().getSubcommands().forEach(
        (name, command) -> {
          assertThat(page).contains(".SS \"hostpki " + Troff.escape(name) + "\"");
          for (CommandLine.Model.OptionSpec o : command.getCommandSpec().options()) {
            assertThat(page).as("hostpki %s %s", name, o.longestName()).contains(Troff.escape(o.longestName()));
          }
        });
    assertThat(page).contains(".SH \"EXIT STATUS\"", ".SH \"SEE ALSO\"", "Sign nothing: exit 2 when a new certificate would be issued");
    assertThat(page).contains(".nf\nhostpki status", "Exit codes:\n.PD 0\n.TP\n\\fB0\\fR\nshown, also with drift").doesNotContain(".RS");
    assertThat(literalLinesPast80Columns(page)).isEmpty();
    assertThat(groffWarnings(page)).isEmpty();
  }

  /** Exit codes read as --help shows them: one under the other, no blank line between. */
  @Test
  void testHostpki1_listsExitCodesWithoutABlankLineBetweenThem() throws Exception {
    String page = page("man/man1/hostpki.1.gz");
    assumeTrue(
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "groff"))),
        "groff is not installed");
    Process p = new ProcessBuilder("groff", "-man", "-Tutf8", "-P-cbou", "-rLL=100n").start();
    try (var in = new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)); var out = p.getOutputStream()) {
      in.transferTo(out);
    }
    String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(shown)
        .as("hostpki init's exit codes")
        .containsPattern("Exit codes:\\n +0 +written\\n +1 +error: the file exists, or cannot be written; nothing was written\\n +64 +usage error\\n\\n");
    assertThat(shown)
        .as("EXIT STATUS")
        .containsPattern("EXIT STATUS\\n +0 +Success; for plan also with changes pending\\.\\n +1 +An error: ")
        .containsPattern("is pending\\.\\n +64 +A usage error: .*\\n\\nENVIRONMENT\\n +HOSTPKI_PASSWORD\\n +A conventional variable")
        .as("the spacing after the exit codes")
        .containsPattern("\\(store\\.password\\.env\\)\\.\\n\\n +NO_COLOR\\n");
  }

  /** check's thresholds say 10%%, which --help shows as 10%: the page must too. */
  @Test
  void testHostpki1_showsNoFormatSpecifiers() throws Exception {
    String page = page("man/man1/hostpki.1.gz");

    assertThat(page).doesNotContain("%n", "%%").contains("(10%)");
  }

  /**
   * The SYNOPSIS names every option of hostpki itself (it named only --debug): those that go with
   * a command, and each that prints and exits on its own line.
   */
  @Test
  void testHostpki1_synopsisNamesHostpkisOwnOptions() throws Exception {
    String page = page("man/man1/hostpki.1.gz");
    String synopsis = page.substring(page.indexOf(".SH \"SYNOPSIS\""), page.indexOf(".SH \"DESCRIPTION\""));

    assertThat(synopsis).isEqualTo(".SH \"SYNOPSIS\"\n"
        + "\\fBhostpki\\fR [\\fB\\-\\-debug\\fR] [\\fB\\-\\-no\\-color\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n"
        + ".br\n\\fBhostpki\\fR \\fB\\-h\\fR | \\fB\\-\\-help\\fR\n"
        + ".br\n\\fBhostpki\\fR \\fB\\-V\\fR | \\fB\\-\\-version\\fR\n");
    for (CommandLine.Model.OptionSpec o : root().getCommandSpec().options()) {
      assertThat(synopsis).as(o.longestName()).contains(Troff.bold(o.longestName()));
    }
  }

  /** hostpki help is declared as every other command: its page section has examples and exit codes. */
  @Test
  void testHostpki1_helpCommandReadsAsTheOthers() throws Exception {
    String page = page("man/man1/hostpki.1.gz");
    String help = page.substring(page.indexOf(".SS \"hostpki help\""), page.indexOf(".SH \"EXIT STATUS\""));

    assertThat(help).contains("Examples:", "Exit codes:", "Show this help and exit.").doesNotContain("usage help");
  }

  /** export's -o names a FILE, as init's and fetch-cert's do, and as export's own errors say it. */
  @Test
  void testHostpki1_exportWritesToFile() throws Exception {
    String page = page("man/man1/hostpki.1.gz");
    String export = page.substring(page.indexOf(".SS \"hostpki export\""), page.indexOf(".SS \"hostpki history\""));

    assertThat(export).contains("[\\-o=FILE]", "\\fB\\-o, \\-\\-out FILE\\fR").doesNotContain("OUT");
  }

  /** Every variable a reader may set to change what a command does has its entry. */
  @Test
  void testHostpki1_environmentNamesTheDefaultDesiredStateVariable() throws Exception {
    String page = page("man/man1/hostpki.1.gz");
    String environment = page.substring(page.indexOf(".SH \"ENVIRONMENT\""), page.indexOf(".SH \"FILES\""));

    assertThat(environment).contains(".TP\n\\fBHOSTPKI_CONFIG\\fR\n", "/etc/hostpki/host.yaml");
  }

  /** A path is {"$ref": "#/$defs/path", "type": "string"}: the page showed its type as "any". */
  @Test
  void testHostpkiYaml5_givesEveryKeyItsType() throws Exception {
    String page = page("man/man5/hostpki.yaml.5.gz");

    assertThat(page).doesNotContain(" (any").contains("store.path (string, required)", "trust.install.java (boolean or string or array)");
  }

  /**
   * A key whose schema description already says its default (ca.policy.maxSubjectAltNames) read
   * "Default: 100, Let's Encrypt's cap … Default: 100.": the page says each default once.
   */
  @Test
  void testHostpkiYaml5_saysEachDefaultOnce() throws Exception {
    String page = page("man/man5/hostpki.yaml.5.gz");

    List<String> twice = new ArrayList<>();
    for (String entry : page.split("\n\\.TP\n")) {
      if (entry.split("Default:", -1).length > 2) {
        twice.add(entry.lines().findFirst().orElse(""));
      }
    }
    assertThat(twice).isEmpty();
    assertThat(page).contains("Default: 100, Let");
  }

  @Test
  void testHostpki1_exitStatusNamesEveryCodeAndTheCommandsThatExitWithIt() throws Exception {
    String page = page("man/man1/hostpki.1.gz");
    String exitStatus = page.substring(page.indexOf(".SH \"EXIT STATUS\""), page.indexOf(".SH \"ENVIRONMENT\""));

    // StandardOutput.exitCode: only a success becomes 1 when standard output could not be written
    assertThat(exitStatus).contains("would have exited 0 but could not write its standard output").doesNotContain("0, 2 or 3");
    for (int code : List.of(ExitCodes.OK, ExitCodes.ERROR, ExitCodes.CHANGES_PENDING, ExitCodes.HOOK_FAILED, ExitCodes.USAGE)) {
      assertThat(exitStatus).as("exit code %d", code).contains(".TP\n\\fB" + code + "\\fR\n");
    }
    assertThat(exitStatus).contains("revoke \\-\\-check", "for check, a target cannot be read or a hook is pending", "rollback");
  }

  @Test
  void testHostpkiYaml5_describesEveryKeyOfTheSchema() throws Exception {
    String page = page("man/man5/hostpki.yaml.5.gz");
    JsonNode schema = JsonMapper.builder().build().readTree(Files.readString(Cli.projectDir().resolve("schema/hostpki-v1.schema.json")));

    List<String> keys = new ArrayList<>();
    schema.path("properties").properties().forEach(e -> keys.add(e.getKey()));
    schema.path("properties").properties().forEach(
        e -> e.getValue().path("properties").properties().forEach(f -> keys.add(e.getKey() + "." + f.getKey())));
    assertThat(keys).contains("store.path", "server.dnsNames", "trust.directories");
    for (String key : keys) {
      assertThat(page).as(key).contains("\\fB" + Troff.escape(key) + " (");
    }
    assertThat(page).contains("ca.subject.commonName", "One of: EC, RSA, Ed25519");
    assertThat(literalLinesPast80Columns(page)).isEmpty();
    assertThat(groffWarnings(page)).isEmpty();
  }
}
