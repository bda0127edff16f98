package org.hostpki.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The schemas of {@code schema/} (on the test class path as {@code /schema/}), loaded the way a
 * user's validator loads them from the folder: each by its file, its references to the others
 * resolved next to it.
 */
public final class OutputSchemas {
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Map<String, Schema> LOADED = new ConcurrentHashMap<>();

  private OutputSchemas() {}

  /** {@code schema/NAME}, e.g. {@code status.schema.json}. */
  public static Schema schema(String name) {
    return LOADED.computeIfAbsent(name, n -> REGISTRY.getSchema(SchemaLocation.of("classpath:schema/" + n)));
  }

  /**
   * Parses {@code json} (one document) and checks it against {@code schema/NAME}; returns the
   * document.
   */
  public static JsonNode valid(String name, String json) {
    assertThat(json).as("one compact JSON document on one line").endsWith("\n").doesNotContain("\n  ");
    assertThat(json.strip()).as("one line").doesNotContain("\n");
    JsonNode document = JsonMapper.shared().readTree(json);
    List<Error> errors = schema(name).validate(document);
    assertThat(errors).as(name + " against " + json).isEmpty();
    return document;
  }
}
