package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Help is wrapped once, by picocli, at the terminal's width (COLUMNS here): every wrapped line is
 * as full as the next word allows, nothing is cut, and examples fit an 80-column terminal.
 * picocli leaves a terminal's last column free in its two-column tables (options, commands), so
 * a line is full when the next word would not fit in {@code columns - 1}.
 */
class HelpLayoutTest {
  private static final List<String> COMMANDS =
      List.of("", "init", "validate", "plan", "apply", "status", "check", "export", "history", "rollback", "sign",
          "revoke", "fetch-cert", "inspect", "watch", "completion", "version", "help");

  @TempDir Path dir;

  /** Help by command and width: the same in every test, so each is made once. */
  private static final Map<String, String> HELP = new java.util.concurrent.ConcurrentHashMap<>();

  private String help(String command, int columns) {
    return HELP.computeIfAbsent(command + " " + columns, k -> run(command, columns));
  }

  private String run(String command, int columns) {
    List<String> args = new ArrayList<>();
    if (!command.isEmpty()) {
      args.add(command);
    }
    args.add("--help");
    CliResult run = Cli.in(dir).env(Map.of("COLUMNS", Integer.toString(columns))).run(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.out();
  }

  /** picocli may also break after a '.' or '-' inside a word, so lines are compared without spaces. */
  private static String letters(String text) {
    return text.replaceAll("\\s+", "");
  }

  private static String firstWord(String line) {
    return line.strip().split("\\s+", 2)[0];
  }

  /**
   * Walks the help at a width so wide that nothing wraps (one line per paragraph or table row)
   * and finds the lines each paragraph became at {@code columns}.
   */
  private static List<List<String>> paragraphs(String unwrapped, String wrapped) {
    List<String> physical = wrapped.lines().toList();
    List<List<String>> result = new ArrayList<>();
    int p = 0;
    for (String logical : unwrapped.lines().toList()) {
      String target = letters(logical);
      List<String> parts = new ArrayList<>();
      StringBuilder seen = new StringBuilder();
      do {
        assertThat(p).as("the wrapped help ends before: " + logical).isLessThan(physical.size());
        String part = physical.get(p++);
        parts.add(part);
        seen.append(letters(part));
        assertThat(target).as("wrapped lines do not add up to: " + logical).startsWith(seen.toString());
      } while (!seen.toString().equals(target));
      result.add(parts);
    }
    assertThat(p).as("lines left over").isEqualTo(physical.size());
    return result;
  }

  @ParameterizedTest
  @ValueSource(ints = {80, 120})
  void testHelp_everyWrappedLineIsFullAndNoneIsTooLong(int columns) {
    for (String command : COMMANDS) {
      String wrapped = help(command, columns);
      int limit = columns - 1;
      for (List<String> paragraph : paragraphs(help(command, 1000), wrapped)) {
        for (int i = 0; i < paragraph.size(); i++) {
          String line = paragraph.get(i);
          assertThat(line.length()).as("'%s' in hostpki %s --help at %d columns", line, command, columns).isLessThanOrEqualTo(columns);
          if (i + 1 < paragraph.size()) {
            String next = firstWord(paragraph.get(i + 1));
            assertThat(line.stripTrailing().length() + 1 + next.length())
                .as("ragged: '%s' leaves room for '%s' (hostpki %s --help, %d columns)", line, next, command, columns)
                .isGreaterThan(limit);
          }
        }
      }
    }
  }

  /**
   * A text wrapped by hand in the source shows as a paragraph cut mid-sentence when nothing
   * wraps; every paragraph (a line at the margin) must end a sentence or open a list.
   */
  /** A bare '%' in a description (10%, 50%margin) is a format error picocli warns about. */
  @Test
  void testHelp_formatsEveryDescriptionWithoutAWarning() {
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (String command : COMMANDS) {
        assertThat(help(command, 120)).doesNotContain("%%");
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("Could not format");
  }

  @Test
  void testHelp_paragraphsAreNotWrappedInTheSource() {
    for (String command : COMMANDS) {
      for (String line : help(command, 1000).lines().toList()) {
        if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("Usage: ")) {
          assertThat(line).as("hostpki %s --help", command).matches(".*[.:)]");
        }
      }
    }
  }

  @Test
  void testHelp_examplesFitEightyColumns() {
    for (String command : COMMANDS) {
      for (List<String> paragraph : paragraphs(help(command, 1000), help(command, 80))) {
        if (paragraph.get(0).startsWith("  hostpki ") || paragraph.get(0).startsWith("  source ")) {
          assertThat(paragraph).as("example in hostpki %s --help", command).hasSize(1);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {80, 120})
  void testHelp_listsEveryCommandsSummaryWhole(int columns) {
    String root = letters(help("", columns));

    assertThat(root)
        .contains(
            letters(
                "sign On the CA host: sign another host's certificate request with this store's CA,"
                    + " within ca.policy, and record it as issued/SERIAL.crt."))
        .contains(
            letters(
                "fetch-cert Show the certificate chain a TLS server presents, leaf first, to confirm"
                    + " a device's certificate before you trust it."));
  }

  @Test
  void testHelp_withoutColumnsIsEightyWide() {
    CliResult run = Cli.in(dir).run("sign", "--help");

    assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    assertThat(run.out().lines()).anySatisfy(line -> assertThat(line.length()).isGreaterThan(70));
  }

  /**
   * picocli wrapped description and footer inside words ("ca.policy." / "maxValidity") and
   * continued a wrapped exit-code row at the margin, out of its column.
   */
  @ParameterizedTest
  @ValueSource(ints = {55, 80})
  void testHelp_wrapsAtSpacesAndContinuesAnExitCodeUnderItsText(int columns) {
    for (String command : COMMANDS) {
      String help = help(command, columns);
      String codes = help.substring(help.indexOf("\nExit codes") + 1);
      if (help.contains("\nExit codes")) {
        assertThat(codes.lines().dropWhile(l -> !l.startsWith("  0 ")).takeWhile(l -> !l.isEmpty()))
            .as("hostpki %s --help at %d columns", command, columns)
            .allSatisfy(line -> assertThat(line).matches("  \\d+ +\\S.*|      \\S.*"));
      }
    }
    assertThat(help("apply", 80)).contains(
        "  3   the store is at the desired state, but a hook failed (recorded) or a\n      trust.install target could not"
            + " be read or changed (left as it was); the\n      next run retries it\n");
    assertThat(help("sign", 80)).contains("at most\nca.policy.maxValidity.\n");
  }

  /**
   * The tables (options, parameters, the command list) break at spaces only too: picocli's line
   * breaker cut "(e.g." into "(e." / "g.", "metrics.textfile" and "ca.policy.maxValidity" after a
   * dot, "50%margin" after the '%'. Every word of the unwrapped help is a word of the wrapped one.
   */
  @Test
  void testHelp_breaksNoWordInItsTables() {
    for (String command : COMMANDS) {
      assertThat(words(help(command, 64)))
          .as("the words of hostpki %s --help at 64 columns", command)
          .isEqualTo(words(help(command, 1000)));
    }
    assertThat(help("sign", 64)).contains("(e.g. 90d)").contains("ca.policy.maxValidity.");
    assertThat(help("", 80)).contains(" metrics.textfile.");
  }

  private static List<String> words(String text) {
    return java.util.Arrays.stream(text.strip().split("\\s+")).sorted().toList();
  }
}
