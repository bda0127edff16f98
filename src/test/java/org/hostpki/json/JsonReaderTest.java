package org.hostpki.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

class JsonReaderTest {
  private static final JsonMapper JACKSON = JsonMapper.builder().build();

  @Test
  void testParse_bundledSchemaIsTheTreeJacksonReads() throws IOException {
    String schema = bundledSchema();

    JsonNode ours = JsonReader.parse(schema);

    JsonNode jackson = JACKSON.readTree(schema);
    assertThat(ours).isEqualTo(jackson);
    assertSameNodeClasses(ours, jackson);
  }

  @Test
  void testParse_everyKindOfValueGetsJacksonsNodeType() {
    String json =
        "\uFEFF{\"int\": 5, \"negative\": -2147483648, \"long\": 2147483648, \"big\": 9223372036854775808,"
            + " \"zero\": -0, \"decimal\": 1.5, \"exponent\": -2E+3, \"small\": 1e-7,"
            + " \"yes\": true, \"no\": false, \"nothing\": null, \"empty\": {}, \"list\": [],"
            + " \"nested\": [[1, [2]], {\"a\": [\"b\"]}],"
            + " \"escapes\": \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\uD83D\\uDE00 é\","
            + " \"twice\": 1, \"twice\": 2 }\n";

    JsonNode ours = JsonReader.parse(json);

    JsonNode jackson = JACKSON.readTree(json.substring(1));
    assertThat(ours).isEqualTo(jackson);
    assertSameNodeClasses(ours, jackson);
  }

  @Test
  void testLeadingString_readsUpToTheMemberOnly() {
    // What follows the member is not read: here it is not even JSON.
    String record = "{\"time\": \"2026-12-06T10:00:00Z\", \"desiredState\": \"/etc/hostpki/host.yaml\", \"plan\": {oops";

    assertThat(JsonReader.leadingString(record, "desiredState")).contains("/etc/hostpki/host.yaml");
    assertThat(JsonReader.leadingString("{\"time\": \"t\", \"plan\": {}}", "desiredState")).isEmpty();
    assertThat(JsonReader.leadingString("{\"desiredState\": 5}", "desiredState")).isEmpty();
    assertThat(JsonReader.leadingString("[1]", "desiredState")).isEmpty();
    assertThatThrownBy(() -> JsonReader.leadingString("{\"time\": oops", "desiredState"))
        .isInstanceOf(JsonReader.MalformedJsonException.class);
  }

  @Test
  void testToString_ofEveryTextIsWhatJacksonWrites() {
    List<String> texts = new ArrayList<>();
    for (char c = 0; c < 0xA0; c++) {
      texts.add("a" + c + "z");
    }
    texts.addAll(List.of("", "hostpki/v1", "é\u2028\u2029", "\uD83D\uDE00", "^[A-Z]{2}$", "a\\.b"));

    for (String text : texts) {
      assertThat(new JsonReader.Text(text).toString())
          .as("text %s", JsonNodeFactory.instance.stringNode(text))
          .isEqualTo(JsonNodeFactory.instance.stringNode(text).toString());
    }
  }

  @Test
  void testParse_textsOfTheSchemaQuoteThemselvesAsJacksonDoes() throws IOException {
    List<JsonNode> texts = new ArrayList<>();
    collectTexts(JsonReader.parse(bundledSchema()), texts);

    assertThat(texts).isNotEmpty().allMatch(JsonReader.Text.class::isInstance);
    for (JsonNode text : texts) {
      assertThat(text.toString())
          .isEqualTo(JsonNodeFactory.instance.stringNode(text.stringValue()).toString());
    }
  }

  @Test
  void testParse_invalidJsonSaysWhereAndWhat() {
    for (String json : List.of("{\"a\": }", "{\"a\": 1", "[1, 2] x", "{\"a\": 01}", "\"tab\there\"",
        "{\"a\": tru}", "{a: 1}", "[1,]", "\"\\x\"", "", "-", "1.", "1e")) {
      assertThatThrownBy(() -> JsonReader.parse(json))
          .as(json)
          .isInstanceOf(JsonReader.MalformedJsonException.class)
          .hasMessageStartingWith("not valid JSON at character ");
    }
  }

  private static String bundledSchema() throws IOException {
    try (InputStream in = JsonReaderTest.class.getResourceAsStream("/schema/hostpki-v1.schema.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void collectTexts(JsonNode node, List<JsonNode> texts) {
    if (node.isString()) {
      texts.add(node);
    }
    node.values().forEach(child -> collectTexts(child, texts));
  }

  /** Equal trees can still differ in node classes Jackson counts as equal; these must not. */
  private static void assertSameNodeClasses(JsonNode ours, JsonNode jackson) {
    if (jackson.isString()) {
      assertThat(ours).isInstanceOf(JsonReader.Text.class);
    } else {
      assertThat(ours.getClass()).isEqualTo(jackson.getClass());
    }
    if (jackson.isObject()) {
      assertThat(ours.propertyNames()).containsExactlyElementsOf(jackson.propertyNames());
      jackson.propertyNames().forEach(name -> assertSameNodeClasses(ours.get(name), jackson.get(name)));
    } else if (jackson.isArray()) {
      for (int i = 0; i < jackson.size(); i++) {
        assertSameNodeClasses(ours.get(i), jackson.get(i));
      }
    }
  }
}
