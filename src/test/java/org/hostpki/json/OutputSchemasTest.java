package org.hostpki.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The schemas of what {@code --output json} prints ({@code schema/*.schema.json} but the desired
 * state's): each is draft 2020-12, closed ({@code additionalProperties} or {@code
 * unevaluatedProperties} false on every object), and describes its members; and a validator
 * really refuses what the contract rules out.
 */
class OutputSchemasTest {
  private static final Path FOLDER = Path.of("schema");
  private static final String DESIRED_STATE = "hostpki-v1.schema.json";

  private static List<Path> outputSchemas() throws IOException {
    try (Stream<Path> files = Files.list(FOLDER)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".schema.json"))
          .filter(f -> !f.getFileName().toString().equals(DESIRED_STATE))
          .sorted()
          .toList();
    }
  }

  private static JsonNode read(Path file) throws IOException {
    return JsonMapper.shared().readTree(Files.readString(file));
  }

  @Test
  void testEverySchema_isDraft2020WithATitleAndADescription() throws IOException {
    assertThat(outputSchemas()).extracting(p -> p.getFileName().toString())
        .contains("common.schema.json", "plan.schema.json", "status.schema.json", "apply.schema.json",
            "history.schema.json", "rollback.schema.json", "sign.schema.json", "validate.schema.json",
            "fetch-cert.schema.json", "version.schema.json", "inspect.schema.json", "error.schema.json");
    for (Path file : outputSchemas()) {
      JsonNode schema = read(file);
      assertThat(schema.path("$schema").asString()).as(file.toString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
      assertThat(schema.path("title").asString()).as(file.toString()).isNotEmpty();
      assertThat(schema.path("description").asString()).as(file.toString()).isNotEmpty();
      assertThat(schema.has("$id")).as(file + ": references resolve next to the file").isFalse();
    }
  }

  /**
   * Found by a contract audit: three schemas said their format's version 1 came "before hostpki
   * 0.2" while hostpki was at 0.1.0; version 1 was only ever written by development builds of
   * 0.1.0. A description names no hostpki release after this build's.
   */
  @Test
  void testEveryDescription_namesNoHostpkiVersionAfterThisBuilds() throws IOException {
    java.util.regex.Matcher pom =
        java.util.regex.Pattern.compile("<version>(\\d+)\\.(\\d+)\\.(\\d+)</version>").matcher(Files.readString(Path.of("pom.xml")));
    assertThat(pom.find()).isTrue();
    int[] project = {Integer.parseInt(pom.group(1)), Integer.parseInt(pom.group(2)), Integer.parseInt(pom.group(3))};
    java.util.regex.Pattern named = java.util.regex.Pattern.compile("hostpki (\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    for (Path file : outputSchemas()) {
      for (JsonNode description : read(file).findValues("description")) {
        java.util.regex.Matcher m = named.matcher(description.isString() ? description.asString() : "");
        while (m.find()) {
          int[] version = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
          assertThat(java.util.Arrays.compare(version, project)).as(file + ": " + description).isLessThanOrEqualTo(0);
        }
      }
    }
  }

  @Test
  void testEveryDocument_hasAFormatVersion() throws IOException {
    for (Path file : outputSchemas()) {
      if (file.getFileName().toString().equals("common.schema.json")) {
        continue;
      }
      JsonNode schema = read(file);
      assertThat(schema.path("required").toString()).as(file.toString()).contains("\"format_version\"");
      assertThat(schema.path("properties").path("format_version").has("const")).as(file.toString()).isTrue();
    }
  }

  @Test
  void testEveryObject_isClosedAndEveryMemberDescribed() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path file : outputSchemas()) {
      check(read(file), file.getFileName() + "#", problems);
    }
    assertThat(problems).isEmpty();
  }

  /** Walks every schema object: objects with properties are closed, members described. */
  private static void check(JsonNode node, String where, List<String> problems) {
    if (!node.isObject()) {
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          check(node.get(i), where + "/" + i, problems);
        }
      }
      return;
    }
    JsonNode properties = node.get("properties");
    boolean members = where.endsWith("_members");
    if (properties != null && !members) {
      boolean closed =
          node.path("additionalProperties").isBoolean() && !node.path("additionalProperties").asBoolean()
              || node.path("unevaluatedProperties").isBoolean() && !node.path("unevaluatedProperties").asBoolean();
      if (!closed) {
        problems.add(where + ": not closed (additionalProperties or unevaluatedProperties false)");
      }
    }
    if (properties != null) {
      for (Map.Entry<String, JsonNode> p : properties.properties()) {
        if (!p.getKey().matches("[a-z][a-z0-9_]*")) {
          problems.add(where + "/properties/" + p.getKey() + ": not snake_case");
        }
        JsonNode member = p.getValue();
        if (!member.has("description") && !member.has("$ref") && !p.getKey().equals("format_version")
            && !isCount(where, member)) {
          problems.add(where + "/properties/" + p.getKey() + ": no description");
        }
      }
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      check(e.getValue(), where + "/" + e.getKey(), problems);
    }
  }

  /** The plan summary's counts need no words each: the object says what they count. */
  private static boolean isCount(String where, JsonNode member) {
    return where.endsWith("/summary") && member.path("type").asString().equals("integer");
  }

  @Test
  void testValidator_refusesWhatTheContractRulesOut() {
    String history =
        "{\"format_version\":\"1\",\"store\":\"/s\",\"generations\":[{\"name\":\"..2026_11_27_08_00_00.000000000\","
            + "\"time\":\"TIME\",\"current\":true,\"changes\":null,\"server_sha256\":SHA,\"server_problem\":null}]}";
    String good = history.replace("TIME", "2026-11-27T08:00:00Z").replace("SHA", "\"" + "ab".repeat(32) + "\"");

    assertThat(OutputSchemas.schema("history.schema.json").validate(JsonMapper.shared().readTree(good))).isEmpty();
    for (String bad :
        List.of(
            good.replace("2026-11-27T08:00:00Z", "2026-11-27T09:00:00+01:00"),
            good.replace("2026-11-27T08:00:00Z", "2026-11-27 08:00 UTC"),
            good.replace("ab".repeat(32), "AB:".repeat(31) + "AB"),
            good.replace("\"current\":true", "\"current\":true,\"serverSha256\":null"),
            good.replace("{\"format_version\":\"1\",", "{"))) {
      assertThat(OutputSchemas.schema("history.schema.json").validate(JsonMapper.shared().readTree(bad)))
          .as(bad)
          .isNotEmpty();
    }
  }
}
