package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Draft202012;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The schema check's lighter set-up (its own JSON reading, the 2020-12 dialect without format
 * checks) must validate exactly as the standard set-up: same dialect apart from formats, same
 * errors for every file of the corpus.
 */
@Execution(ExecutionMode.CONCURRENT)
class SchemaCheckTest {

  @Test
  void testDialect_isTheStandardDraft202012DialectApartFromFormats() {
    Dialect standard = Draft202012.getInstance();

    Dialect ours = SchemaCheck.dialect();

    assertThat(ours.getId()).isEqualTo(standard.getId()).isEqualTo(SchemaCheck.DRAFT_2020_12);
    assertThat(ours.getIdKeyword()).isEqualTo(standard.getIdKeyword());
    assertThat(ours.getSpecificationVersion()).isEqualTo(standard.getSpecificationVersion());
    assertThat(ours.getVocabularies()).isEqualTo(standard.getVocabularies());
    assertThat(ours.getKeywords().keySet()).isEqualTo(standard.getKeywords().keySet());
  }

  @Test
  void testDialect_schemaDeclaresItAndUsesNoFormat() {
    JsonNode schema = SchemaCheck.readSchema();

    assertThat(schema.path("$schema").asString()).isEqualTo(SchemaCheck.DRAFT_2020_12);
    // Our dialect checks no formats; a "format" here would pass unchecked. Add the format to
    // SchemaCheck.dialect() before using one.
    assertThat(keywordsUsed(schema)).isNotEmpty().doesNotContain("format");
  }

  @Test
  void testDialect_knowsEveryKeywordTheSchemaUses() {
    List<String> unknown = new ArrayList<>(keywordsUsed(SchemaCheck.readSchema()));

    unknown.removeAll(SchemaCheck.dialect().getKeywords().keySet());

    // Annotations only, which no validator reads.
    assertThat(unknown).allMatch(k -> List.of("title", "description", "examples", "default").contains(k));
  }

  @Test
  void testCheck_givesTheStandardSetUpsErrorsForEveryCorpusFile() throws IOException {
    Schema standard = standardSchema();
    Schema ours = SchemaRegistry.withDialect(SchemaCheck.dialect()).getSchema(SchemaCheck.readSchema());
    List<Path> files = corpusFiles();
    int withErrors = 0;

    for (Path file : files) {
      Problems problems = new Problems(file);
      Optional<YamlNode> root = FileText.read(file, problems).flatMap(new YamlReader(problems)::read);
      if (root.isEmpty()) {
        continue; // not text or not YAML: the schema never sees it
      }
      JsonNode json = root.get().toJson(JsonNodeFactory.instance);
      List<String> expected = describe(standard.validate(json));
      assertThat(describe(ours.validate(json))).as(file.toString()).isEqualTo(expected);
      withErrors += expected.isEmpty() ? 0 : 1;
    }

    assertThat(files).hasSizeGreaterThan(100);
    assertThat(withErrors).isGreaterThan(40);
  }

  /** The set-up before: Jackson's ObjectMapper reads the schema, the standard dialect compiles it. */
  private static Schema standardSchema() throws IOException {
    try (InputStream in = SchemaCheckTest.class.getResourceAsStream(SchemaCheck.RESOURCE)) {
      JsonNode json = JsonMapper.builder().build().readTree(in);
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(json);
    }
  }

  private static List<String> describe(List<Error> errors) {
    return errors.stream()
        .map(e -> String.join(" | ", e.getKeyword(), e.getInstanceLocation().toString(),
            e.getEvaluationPath().toString(), e.getSchemaLocation().toString(), String.valueOf(e.getProperty()),
            String.valueOf(e.getInstanceNode()), Arrays.deepToString(e.getArguments()), e.getMessage()))
        .toList();
  }

  /** Every YAML file of the test resources, invalid ones included, and the examples. */
  private static List<Path> corpusFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir : List.of(resource("/config"), DesiredStateLoaderTest.projectDir().resolve("examples"))) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  /** Property names used as keywords: every key of a schema object, not the names it defines. */
  private static List<String> keywordsUsed(JsonNode schema) {
    List<String> keywords = new ArrayList<>();
    collectKeywords(schema, keywords);
    return keywords.stream().distinct().sorted().toList();
  }

  private static void collectKeywords(JsonNode schema, List<String> keywords) {
    if (!schema.isObject()) {
      return;
    }
    for (String key : schema.propertyNames()) {
      keywords.add(key);
      JsonNode value = schema.get(key);
      switch (key) {
        case "properties", "$defs", "patternProperties", "dependentSchemas" ->
            value.values().forEach(child -> collectKeywords(child, keywords));
        case "oneOf", "anyOf", "allOf", "prefixItems" ->
            value.values().forEach(child -> collectKeywords(child, keywords));
        case "items", "additionalProperties", "not", "if", "then", "else", "contains",
            "propertyNames", "unevaluatedItems", "unevaluatedProperties" -> collectKeywords(value, keywords);
        default -> { } // values, not schemas: const, enum, examples, default, ...
      }
    }
  }

  private static Path resource(String name) {
    try {
      return Path.of(SchemaCheckTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

}
