package org.hostpki.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Validates a desired state against the JSON Schema ({@value #RESOURCE} on the class path, the same
 * file editors use) and turns each schema error into a {@link Problem} at the offending YAML node,
 * in words a user understands (see {@link SchemaMessages}).
 */
final class SchemaCheck {
  static final String RESOURCE = "/schema/hostpki-v1.schema.json";

  private final JsonNode schemaJson;
  private final Schema schema;

  private SchemaCheck(JsonNode schemaJson, Schema schema) {
    this.schemaJson = schemaJson;
    this.schema = schema;
  }

  /** Reads and compiles the schema; costly (Jackson, the 2020-12 dialect), so done once. */
  static SchemaCheck load() {
    JsonNode json = readSchema();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    return new SchemaCheck(json, registry.getSchema(json));
  }

  /** The schema document itself. */
  static JsonNode readSchema() {
    try (InputStream in = SchemaCheck.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the JSON Schema " + RESOURCE + " is missing from the class path (a packaging bug)");
      }
      return JsonMapper.builder().build().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JSON Schema " + RESOURCE, e);
    }
  }

  void check(YamlNode root, Problems problems) {
    SchemaMessages messages = new SchemaMessages(schemaJson, root);
    List<Error> errors = new ArrayList<>(schema.validate(root.toJson(JsonNodeFactory.instance)));
    for (Error error : errors) {
      // A failed oneOf reports each branch's own errors too; its own message says it all.
      if (error.getEvaluationPath().toString().contains("/oneOf/")) {
        continue;
      }
      // An empty text fails its pattern too; "must not be empty" is the message that helps.
      if ("pattern".equals(error.getKeyword()) && error.getInstanceNode().asString().isEmpty()) {
        continue;
      }
      SchemaMessages.Located located = messages.translate(error);
      problems.error(located.at(), located.message());
    }
  }
}
