package org.hostpki.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.keyword.KeywordType;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hostpki.json.JsonReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Validates a desired state against the JSON Schema ({@value #RESOURCE} on the class path, the same
 * file editors use) and turns each schema error into a {@link Problem} at the offending YAML node,
 * in words a user understands (see {@link SchemaMessages}).
 */
final class SchemaCheck {
  static final String RESOURCE = "/schema/hostpki-v1.schema.json";

  /** The dialect our schema declares in {@code $schema}. */
  static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

  private final JsonNode schemaJson;
  private final Schema schema;

  private SchemaCheck(JsonNode schemaJson, Schema schema) {
    this.schemaJson = schemaJson;
    this.schema = schema;
  }

  /** Reads and compiles the schema; costly (the 2020-12 dialect's validators), so done once. */
  static SchemaCheck load() {
    JsonNode json = readSchema();
    return new SchemaCheck(json, SchemaRegistry.withDialect(dialect()).getSchema(json));
  }

  /**
   * The JSON Schema 2020-12 dialect as the validator's standard one, without the {@code format}
   * checks: building those (an e-mail and domain validator with its table of top-level domains,
   * date-time parsers) costs a cold start more than compiling our whole schema, and our schema uses
   * no {@code format} (a test holds that). Every keyword and vocabulary of the standard dialect is
   * here, so the schema means exactly what it means to editors.
   */
  static Dialect dialect() {
    Dialect.Builder dialect =
        Dialect.builder(DRAFT_2020_12)
            .specificationVersion(SpecificationVersion.DRAFT_2020_12)
            .idKeyword("$id")
            .keywords(KeywordType.getKeywords(SpecificationVersion.DRAFT_2020_12))
            .keywords(List.of(new NonValidationKeyword("definitions")));
    for (String vocabulary :
        List.of("core", "applicator", "unevaluated", "validation", "meta-data", "format-annotation", "content")) {
      dialect.vocabulary("https://json-schema.org/draft/2020-12/vocab/" + vocabulary, true);
    }
    return dialect.build();
  }

  /** The schema document itself, read without an ObjectMapper (see {@link JsonReader}). */
  static JsonNode readSchema() {
    try (InputStream in = SchemaCheck.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the JSON Schema " + RESOURCE + " is missing from the class path (a packaging bug)");
      }
      return JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (JsonReader.MalformedJsonException e) {
      throw new IllegalStateException(
          "the JSON Schema " + RESOURCE + " is " + e.getMessage() + " (a packaging bug)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JSON Schema " + RESOURCE, e);
    }
  }

  void check(YamlNode root, Problems problems) {
    SchemaMessages messages = new SchemaMessages(schemaJson, root);
    List<Error> errors = new ArrayList<>(schema.validate(root.toJson(JsonNodeFactory.instance)));
    Set<String> notOneLine = new HashSet<>();
    Set<String> wrongType = new HashSet<>();
    for (Error error : errors) {
      if (isOneLineError(error)) {
        notOneLine.add(error.getInstanceLocation().toString());
      }
      if ("type".equals(error.getKeyword()) && !error.getEvaluationPath().toString().contains("/oneOf/")) {
        wrongType.add(error.getInstanceLocation().toString());
      }
    }
    Set<Position> flatLists = new HashSet<>();
    for (Error error : errors) {
      // A failed oneOf reports each branch's own errors too; its own message says it all.
      if (error.getEvaluationPath().toString().contains("/oneOf/")) {
        continue;
      }
      // An empty text fails its pattern too; "must not be empty" is the message that helps.
      if ("pattern".equals(error.getKeyword()) && error.getInstanceNode().asString().isEmpty()) {
        continue;
      }
      // A control character fails the value's own pattern too (an e-mail address): say the first.
      if ("pattern".equals(error.getKeyword())
          && !isOneLineError(error)
          && notOneLine.contains(error.getInstanceLocation().toString())) {
        continue;
      }
      // A value of the wrong type (1.5 as an RSA size) fails its bounds too (at least 2048, a
      // multiple of 8); its type is what is wrong.
      if (!"type".equals(error.getKeyword()) && wrongType.contains(error.getInstanceLocation().toString())) {
        continue;
      }
      // A value that is not a mapping fails "one of these keys" too; its type is what is wrong.
      if ("oneOf".equals(error.getKeyword()) && !error.getInstanceNode().isObject()) {
        continue;
      }
      // A list of commands written as one command's words: one message for the list.
      Optional<SchemaMessages.Located> flat = messages.flatCommand(error);
      if (flat.isPresent()) {
        if (flatLists.add(flat.get().at())) {
          problems.error(flat.get().at(), flat.get().message());
        }
        continue;
      }
      SchemaMessages.Located located = messages.translate(error);
      problems.error(located.at(), located.message());
    }
  }

  private static boolean isOneLineError(Error error) {
    return "pattern".equals(error.getKeyword())
        && error.getSchemaLocation().toString().endsWith(SchemaMessages.ONE_LINE);
  }
}
