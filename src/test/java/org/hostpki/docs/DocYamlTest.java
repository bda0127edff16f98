package org.hostpki.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hostpki.config.DesiredStateLoader;
import org.hostpki.config.LoadResult;
import org.hostpki.config.Severity;
import org.hostpki.docs.DocBlocks.Block;
import org.hostpki.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every YAML block of the documents DocsIT runs, as a reader copies it, through {@code hostpki
 * validate}'s checks — the ones no shell block of the documents saves and validates too: a
 * desired state (with {@code apiVersion}) must be valid as it is; a fragment of one (only keys of
 * the desired-state schema at its top level: {@code outputs:}, {@code trust:} …), merged into a
 * minimal desired state with a store password as a reader edits it in, must be valid; every other
 * block (a playbook, a CI job, an alert rule, an indented piece of one) must be YAML, and a desired
 * state it carries inline ({@code desired:} of the Ansible module, without Jinja) must be valid.
 *
 * <p>Two kinds of error are not the document's: a user or group the example's service package
 * makes ({@code group: tomcat}) that this host lacks, and the error the document itself shows
 * (an example of what validate refuses, followed by its message). In the test's JVM: no hostpki
 * runs, no file is written.
 */
class DocYamlTest {
  /** What a fragment is added to: what the documents' desired states all have. */
  private static final String BASE =
      "apiVersion: hostpki/v1\nstore:\n  path: pki\n  password: {env: HOSTPKI_PASSWORD}\n";

  private final DesiredStateLoader loader = new DesiredStateLoader();
  private final Load yaml = new Load(LoadSettings.builder().build());
  // the loader's schema (YAML 1.2 core), so that the text "0640" is dumped in quotes
  private final Dump dump =
      new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setSchema(new CoreSchema()).build());

  @Test
  void testDocuments_everyDesiredStateTheyShowIsValid() throws IOException {
    Set<String> topLevel = topLevelKeys();
    List<String> invalid = new ArrayList<>();
    int desiredStates = 0;
    for (String document : DocsIT.DOCUMENTS) {
      String markdown = Files.readString(Cli.projectDir().resolve(document), StandardCharsets.UTF_8);
      for (Block block : DocBlocks.fenced(document, markdown)) {
        if (!block.info().equals("yaml")) {
          continue;
        }
        String where = document + ":" + block.line();
        Object root;
        try {
          root = yaml.loadFromString(block.text());
        } catch (RuntimeException e) {
          invalid.add(where + ": not YAML: " + e.getMessage().lines().findFirst().orElse(""));
          continue;
        }
        boolean indented = Character.isWhitespace(block.text().charAt(0));
        if (root instanceof Map<?, ?> map && map.containsKey("apiVersion")) {
          desiredStates++;
          check(where, block.text(), markdown, invalid);
        } else if (!indented && root instanceof Map<?, ?> map && !map.isEmpty() && topLevel.containsAll(map.keySet())) {
          desiredStates++;
          check(where + " (merged into a minimal desired state)", merged(map), markdown, invalid);
        } else {
          for (Map<?, ?> inline : inlineDesiredStates(root, new ArrayList<>())) {
            String text = dump.dumpToString(inline);
            if (!text.contains("{{")) {
              desiredStates++;
              check(where + " (desired:)", text, markdown, invalid);
            }
          }
        }
      }
    }
    assertThat(desiredStates).as("desired states and fragments in the documents").isGreaterThan(30);
    assertThat(invalid).as("YAML blocks of the documents that 'hostpki validate' refuses").isEmpty();
  }

  @Test
  void testCheck_findsWhatValidateRefuses() {
    List<String> invalid = new ArrayList<>();
    Map<?, ?> fragment = (Map<?, ?>) yaml.loadFromString("outputs:\n  - {format: pkcs12, file: a.p12, alias: a, mode: 644}\n");

    check("x.md:1", merged(fragment), "", invalid);

    assertThat(invalid).singleElement().asString().startsWith("x.md:1: ").contains("mode");
  }

  private void check(String where, String text, String document, List<String> invalid) {
    LoadResult result = loader.loadString(Path.of("/etc/hostpki/host.yaml"), text);
    result.problems().stream()
        .filter(p -> p.severity() == Severity.ERROR)
        .filter(p -> !p.message().matches(".*'[^']*' is not a (user|group) on this host.*"))
        .filter(p -> !document.contains(p.message()))
        .forEach(p -> invalid.add(where + ": " + p.format()));
  }

  /**
   * The base with the fragment merged in, as a reader edits it in: a section's keys ({@code
   * store: {password: …}}) replace or join the base's, and any other key is replaced.
   */
  private String merged(Map<?, ?> fragment) {
    Map<Object, Object> merged = new LinkedHashMap<>((Map<?, ?>) yaml.loadFromString(BASE));
    fragment.forEach((key, value) -> merged.merge(key, value, (was, now) -> {
      if (was instanceof Map<?, ?> a && now instanceof Map<?, ?> b) {
        Map<Object, Object> section = new LinkedHashMap<>(a);
        section.putAll(b);
        return section;
      }
      return now;
    }));
    return dump.dumpToString(merged);
  }

  /** The mappings under a key {@code desired} anywhere in a playbook. */
  private static List<Map<?, ?>> inlineDesiredStates(Object node, List<Map<?, ?>> found) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> {
        if ("desired".equals(key) && value instanceof Map<?, ?> desired) {
          found.add(desired);
        } else {
          inlineDesiredStates(value, found);
        }
      });
    } else if (node instanceof List<?> list) {
      list.forEach(item -> inlineDesiredStates(item, found));
    }
    return found;
  }

  private static Set<String> topLevelKeys() throws IOException {
    var schema = JsonMapper.builder().build()
        .readTree(Files.readString(Cli.projectDir().resolve("schema/hostpki-v1.schema.json")));
    return new TreeSet<>(schema.get("properties").propertyNames());
  }
}
