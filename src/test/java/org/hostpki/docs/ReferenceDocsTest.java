package org.hostpki.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.cli.ExitCodes;
import org.hostpki.plan.RefusalCode;
import org.hostpki.plan.WarningCode;
import org.hostpki.testkit.Cli;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference parts of the documents against the code: every refusal and warning code of the
 * JSON plan has a row in the guide's "Refusals and warnings" with what to do, every exit code a
 * row with what to do in its "Exit codes", every key of the desired-state schema is named in the
 * README or docs/, and every link leads to a file and heading that exist. Files only: no hostpki
 * runs.
 */
class ReferenceDocsTest {

  private static String read(String file) throws IOException {
    return Files.readString(Cli.projectDir().resolve(file), StandardCharsets.UTF_8);
  }

  /** The text under a {@code ## heading} of a Markdown file, up to the next such heading. */
  private static String section(String file, String heading) throws IOException {
    String text = read(file);
    int start = text.indexOf("\n## " + heading + "\n");
    assertThat(start).as(file + " has a section '## " + heading + "'").isNotNegative();
    int end = text.indexOf("\n## ", start + 1);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  /** The rows of the section's tables: first cell (backticks removed) → the row's other cells. */
  private static Map<String, List<String>> rows(String section) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : section.lines().toList()) {
      if (line.startsWith("| ") && !line.startsWith("|---")) {
        List<String> cells = Arrays.stream(line.split("\\|")).map(String::strip).toList();
        rows.put(cells.get(1).replace("`", ""), cells.subList(2, cells.size()));
      }
    }
    return rows;
  }

  @Test
  void testGuide_tellsWhatToDoAboutEveryRefusalAndWarningCode() throws IOException {
    Map<String, List<String>> rows = rows(section("docs/guide.md", "Refusals and warnings"));
    Set<String> missing = new TreeSet<>();
    for (RefusalCode c : RefusalCode.values()) {
      check(rows, c.code(), missing);
    }
    for (WarningCode c : WarningCode.values()) {
      check(rows, c.code(), missing);
    }
    assertThat(missing)
        .as("codes without a row '| `code` | what it means | what to do |' in docs/guide.md, Refusals and warnings")
        .isEmpty();
  }

  private static void check(Map<String, List<String>> rows, String code, Set<String> missing) {
    List<String> cells = rows.get(code);
    if (cells == null || cells.size() < 2 || cells.get(0).isEmpty() || cells.get(1).isEmpty()) {
      missing.add(code);
    }
  }

  @Test
  void testGuideAndReadme_listEveryExitCode() throws Exception {
    Set<String> codes = new TreeSet<>();
    for (Field f : ExitCodes.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        codes.add(Integer.toString(f.getInt(null)));
      }
    }
    assertThat(codes).hasSizeGreaterThanOrEqualTo(5);
    Map<String, List<String>> guide = rows(section("docs/guide.md", "Exit codes"));
    Set<String> missing = new TreeSet<>();
    codes.forEach(code -> check(guide, code, missing));
    assertThat(missing).as("exit codes without a row '| code | meaning | what to do |' in docs/guide.md, Exit codes").isEmpty();
    assertThat(rows(section("README.md", "Commands")).keySet()).as("README.md, Commands: Exit codes").containsAll(codes);
  }

  @Test
  void testDocs_nameEveryKeyOfTheDesiredStateSchema() throws IOException {
    JsonNode schema = JsonMapper.builder().build().readTree(read("schema/hostpki-v1.schema.json"));
    Set<String> keys = new TreeSet<>();
    keys(schema, keys, 0);
    assertThat(keys).contains("apiVersion", "store", "preferredChain", "pkcs12Profile");
    String docs = read("README.md") + read("docs/guide.md") + read("docs/fleet.md");
    Set<String> unnamed = new TreeSet<>();
    for (String key : keys) {
      if (!Pattern.compile("(?<![\\w-])" + Pattern.quote(key) + "(?![\\w-])").matcher(docs).find()) {
        unnamed.add(key);
      }
    }
    assertThat(unnamed).as("keys of schema/hostpki-v1.schema.json no document names (README.md, docs/)").isEmpty();
  }

  /**
   * What a base system has, hostpki itself needs (Java, Maven for a checkout) or the text around
   * the block says where to get (certutil: libnss3-tools; keytool: the JDK; ansible-*: the
   * collection's requirements; security: macOS).
   */
  private static final Set<String> SAID_OR_BASE = Set.of(
      "cd", "export", "echo", "printf", "set", "source", "[", "test", "case", "esac", "for", "while", "until", "if",
      "then", "else", "fi", "do", "done", "trap", "read", "exit", "true", "false", "exec", "times", "wait",
      "mkdir", "rm", "ln", "cp", "mv", "cat", "ls", "chmod", "chown", "install", "tar", "sha256sum", "mktemp", "grep",
      "sed", "awk", "head", "tail", "sort", "cut", "tr", "wc", "sleep", "kill", "date", "touch", "env", "id", "dirname",
      "basename", "find", "xargs", "tee", "umask", "systemctl", "apt", "apt-get", "hostpki", "java", "mvn", "keytool",
      "certutil", "security", "ansible-playbook", "ansible-galaxy", "ansible-doc");

  /** A reader who lacks a program the examples run learns so before, in the guide's Setting up. */
  @Test
  void testGuide_setUpNamesEveryProgramTheExamplesRun() throws IOException {
    Set<String> programs = new TreeSet<>();
    for (String document : DocsIT.DOCUMENTS) {
      for (DocBlocks.Step step : DocBlocks.parse(document, read(document))) {
        if (step instanceof DocBlocks.Run run) {
          programs.addAll(commandWords(run.script()));
        }
      }
    }
    assertThat(programs).contains("hostpki", "openssl", "faketime");
    programs.removeAll(SAID_OR_BASE);
    String setUp = section("docs/guide.md", "Setting up");
    assertThat(programs.stream().filter(p -> !setUp.contains("`" + p + "`")).toList())
        .as("programs the documents' shell blocks run that docs/guide.md, Setting up, does not name")
        .isEmpty();
  }

  @Test
  void testCommandWords_theProgramOfEachCommand() {
    String script = "cd /etc\nHOSTPKI_PASSWORD=x hostpki plan\nserial=$(hostpki status |\n  jq -r .x)\n"
        + "openssl req -x509 \\\n  -subj /CN=x\nuntil (exec 3<>/dev/tcp/h/1) 2>/dev/null; do sleep 1; done\n"
        + "  present) docker ps ;;\n# faketime in a comment\n";

    assertThat(commandWords(script)).containsExactly("cd", "exec", "hostpki", "jq", "openssl");
  }

  /** The program each command of a shell block starts: the first word, past assignments and keywords. */
  static Set<String> commandWords(String script) {
    Set<String> words = new TreeSet<>();
    boolean continued = false;
    for (String line : script.lines().toList()) {
      String s = line.strip();
      boolean continuation = continued;
      continued = s.endsWith("\\");
      if (continuation || s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      s = s.replaceFirst("^[A-Za-z_]\\w*=\\$\\(", "").replaceFirst("^([A-Za-z_]\\w*=\\S*\\s+)+", "");
      s = s.replaceFirst("^((\\(|\\$\\(|!)\\s*|(sudo|until|if|while|then|do|else|time)\\s+)+", "");
      Matcher word = Pattern.compile("^([a-z\\[][a-z0-9_.+-]*)(\\s|;|$)").matcher(s);
      if (word.find()) {
        words.add(word.group(1));
      }
    }
    return words;
  }

  /**
   * A table ends at a blank line: text right after a row (README's "When to import again" had its
   * next paragraph glued to the last row) is rendered as one more cell of that row.
   */
  @Test
  void testDocs_tablesEndBeforeTheNextParagraph() throws IOException {
    Set<String> glued = new TreeSet<>();
    for (String document : DocsIT.DOCUMENTS) {
      List<String> lines = read(document).lines().toList();
      boolean fenced = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.strip().startsWith("```")) {
          fenced = !fenced;
        }
        if (fenced || !line.startsWith("|")) {
          continue;
        }
        String next = i + 1 < lines.size() ? lines.get(i + 1) : "";
        if (!line.stripTrailing().endsWith("|") || !(next.isBlank() || next.startsWith("|"))) {
          glued.add(document + ":" + (i + 1) + ": " + line.substring(0, Math.min(line.length(), 60)));
        }
      }
    }
    assertThat(glued).as("table rows with text glued to them (end the table with a blank line)").isEmpty();
  }

  /** A link to a file that is not there, or to a heading it does not have, leads a reader nowhere. */
  @Test
  void testDocs_linkToFilesAndHeadingsThatExist() throws IOException {
    Set<String> broken = new TreeSet<>();
    for (String document : DocsIT.DOCUMENTS) {
      Matcher link = Pattern.compile("\\]\\(([^)\\s]+)\\)").matcher(read(document));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path path = file.isEmpty() ? Path.of(document) : Path.of(document).resolveSibling(file).normalize();
        if (!Files.exists(Cli.projectDir().resolve(path))) {
          broken.add(document + ": " + target);
        } else if (hash >= 0 && !headings(path.toString()).contains(target.substring(hash + 1))) {
          broken.add(document + ": " + target);
        }
      }
    }
    assertThat(broken).as("links to no file or heading").isEmpty();
  }

  /** The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, '-' for ' '. */
  private static Set<String> headings(String file) throws IOException {
    String text = read(file).replaceAll("(?s)```.*?```", "");
    Set<String> anchors = new TreeSet<>();
    Matcher heading = Pattern.compile("(?m)^#+ (.*)$").matcher(text);
    while (heading.find()) {
      anchors.add(heading.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\w\\- ]", "").replace(' ', '-'));
    }
    return anchors;
  }

  /** Every property name in the schema: its properties and its $defs' (all local). */
  private static void keys(JsonNode node, Set<String> keys, int depth) {
    if (depth > 20 || !node.isContainer()) {
      return;
    }
    if (node.has("properties")) {
      keys.addAll(node.get("properties").propertyNames());
    }
    for (JsonNode child : node) {
      keys(child, keys, depth + 1);
    }
  }

  /**
   * The fleet guide's first CA host, the one readers copy, gives each CA its own CRL distribution
   * point: with one URL, a rotation's previous-CA members name the URL the new CA's CRL is
   * published at (closing note 14).
   */
  @Test
  void theFleetGuidesFirstCrlUrlIsOnePerCa() throws IOException {
    String fleet = read("docs/fleet.md");
    int crl = fleet.indexOf("  crl:");

    assertThat(fleet.substring(crl, fleet.indexOf("```", crl))).contains("url: \"http://pki.corp.example/fleet-{keyId}.crl\"");
    assertThat(fleet).doesNotContain("crl --der -o /var/www/pki/fleet.crl\n   openssl");
    // README's short version of the same revocation publishes where that URL points, into a
    // folder it makes first (export makes none: it failed there, tdocs16's trial).
    String readme = section("README.md", "Many hosts, one CA");
    String publish = readme.substring(readme.indexOf("hostpki revoke ca/host.yaml"));
    assertThat(publish.substring(0, publish.indexOf("```")))
        .contains("install -d /var/www/pki", "--der -o '/var/www/pki/fleet-{keyId}.crl'");
  }

  /**
   * The guide's restore extracts the backup into an empty place: `tar x` over the live store (as
   * it said before) removes nothing, so a rollback's hold made after the backup held the restored
   * store, and the generations made since stayed beside it (tdocs16's trial).
   */
  @Test
  void theGuidesRestoreMovesTheLiveStoreAsideFirst() throws IOException {
    String backups = section("docs/guide.md", "Backups, restores and snapshots");
    int restore = backups.indexOf("tar xzpf /backup/hostpki.tgz");

    assertThat(restore).isPositive();
    assertThat(backups.substring(backups.lastIndexOf("```sh", restore), restore))
        .contains("mv /var/lib/hostpki/pki /var/lib/hostpki/pki.before-restore");
  }
}
