package org.hostpki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every command line hostpki prints for an operator to paste is built by model/ShellCommand, which
 * quotes each word: a message that appends a path (or any other value) after an option written in
 * a string literal ({@code "hostpki apply -f " + file}) breaks when the path has a space, a quote
 * or a $. This scan of src/main/java finds such a literal: one that ends in an option awaiting its
 * value ({@code -f }, {@code --to }, {@code fuser -v }) or in a hostpki command's name, and is
 * followed by {@code +} and something other than another literal.
 */
class PrintedCommandsTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern AWAITS_VALUE =
      Pattern.compile(
          "(^|\\s)--?[a-z][a-z-]*\\s$|(^|\\W)hostpki (apply|check|completion|export|fetch-cert|help|history"
              + "|init|inspect|plan|revoke|rollback|sign|status|validate|version|watch)$");

  /**
   * Literals that name an option the user gave, with the value the user gave, in a message (not a
   * command to paste), and the two files that write text for other programs with quoting of their
   * own (the completion scripts; certutil's batch lines).
   */
  private static final Set<String> NOT_COMMANDS =
      Set.of(
          "apply/SavedPlan.java: --replace ",
          "cli/CheckCommand.java: --critical ",
          "cli/CheckCommand.java:  is further from expiry than --warning ",
          "cli/CheckCommand.java:  --critical ",
          "cli/DesiredStateFile.java: two desired-state files given, -f ",
          "cli/OutputOption.java: --out ",
          "cli/RevokeCommand.java: --cert ",
          "cli/SignCommand.java: --csr ");

  private static final Set<String> OWN_QUOTING = Set.of("cli/CompletionScripts.java", "install/NssDatabaseInstaller.java");

  @Test
  void testSources_noCommandLineBuiltByAppendingAValueToALiteral() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES.resolve("org/hostpki"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String name = SOURCES.resolve("org/hostpki").relativize(file).toString();
        if (!OWN_QUOTING.contains(name)) {
          found.addAll(appendedToLiterals(name, Files.readString(file)));
        }
      }
    }

    assertThat(found)
        .as("build these command lines with org.hostpki.model.ShellCommand (it quotes each word)")
        .isEmpty();
  }

  @Test
  void testScan_findsAPathAppendedAfterAnOptionAndOnlyThat() {
    String source =
        String.join(
            "\n",
            "class X {",
            "  String a(Path file) { return \"run 'hostpki apply -f \" + file + \"'\"; }",
            "  String b(String f) { return \"hostpki export\" + f; }",
            "  String c(Path lock) {",
            "    return \"see which with: fuser -v \"",
            "        + lock; }",
            "  // \"hostpki apply -f \" + file in a comment",
            "  String d() { return \"hostpki apply -f \" + \"/etc/hostpki/host.yaml\"; }",
            "  String e(Path f) { return \"run \" + ShellCommand.hostpki(\"apply\", \"-f\", f); }",
            "  char q = '\"'; String g(Path f) { return \"a '\" + f + \"'\"; }",
            "}");

    assertThat(appendedToLiterals("X.java", source))
        .containsExactly(
            "X.java:2: \"run 'hostpki apply -f \" + …",
            "X.java:3: \"hostpki export\" + …",
            "X.java:5: \"see which with: fuser -v \" + …");
  }

  /** {@code name:line: "literal" + …} for each literal the class comment describes. */
  static List<String> appendedToLiterals(String name, String source) {
    List<String> found = new ArrayList<>();
    int i = 0;
    int line = 1;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (source.startsWith("//", i)) {
        i = source.indexOf('\n', i) < 0 ? source.length() : source.indexOf('\n', i);
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? source.length() : end + 2;
        line += (int) source.substring(i, end).chars().filter(ch -> ch == '\n').count();
        i = end;
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        end = end < 0 ? source.length() : end + 3;
        line += (int) source.substring(i, end).chars().filter(ch -> ch == '\n').count();
        i = end;
      } else if (c == '\'') {
        int end = i + 1;
        while (end < source.length() && source.charAt(end) != '\'') {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        i = end + 1;
      } else if (c == '"') {
        int end = i + 1;
        StringBuilder text = new StringBuilder();
        while (end < source.length() && source.charAt(end) != '"') {
          if (source.charAt(end) == '\\') {
            text.append(source, end, end + 2);
            end += 2;
          } else {
            text.append(source.charAt(end++));
          }
        }
        i = end + 1;
        int next = skipBlanks(source, i);
        if (next < source.length() && source.charAt(next) == '+') {
          int operand = skipBlanks(source, next + 1);
          if (operand < source.length()
              && source.charAt(operand) != '"'
              && AWAITS_VALUE.matcher(text).find()
              && !NOT_COMMANDS.contains(name + ": " + text)) {
            found.add(name + ":" + line + ": \"" + text + "\" + …");
          }
        }
      } else {
        i++;
      }
    }
    return found;
  }

  private static int skipBlanks(String source, int from) {
    int i = from;
    while (i < source.length() && Character.isWhitespace(source.charAt(i))) {
      i++;
    }
    return i;
  }
}
