package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code hostpki version}: the build (from the build's build.properties) and the runtime. */
class VersionCommandTest {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  @TempDir Path dir;

  private CliResult run(String... args) {
    return Cli.in(dir).run(args);
  }

  private static Schema schema() throws Exception {
    try (InputStream in = VersionCommandTest.class.getResourceAsStream("/schema/version.schema.json")) {
      assertThat(in).as("schema/version.schema.json on the class path").isNotNull();
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(MAPPER.readTree(in));
    }
  }

  @Test
  void testVersion_namesTheBuildJavaAndBouncyCastle() {
    CliResult run = run("version");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    // The build writes build.properties before the tests run: this is the real build's record.
    assertThat(run.out())
        .matches(
            "hostpki \\d+\\.\\d+\\.\\d+\\S*\\n"
                + "  commit        ([0-9a-f]{40}(-dirty)?|unknown)\\n"
                + "  built         \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n"
                + "  java          " + java.util.regex.Pattern.quote(Runtime.version().toString()) + " \\(.+\\)\\n"
                + "  bouncycastle  1\\.\\d+\\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void testVersion_jsonMatchesItsSchema() throws Exception {
    CliResult run = run("version", "--output", "json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode json = MAPPER.readTree(run.out());
    List<Error> errors = schema().validate(json);
    assertThat(errors).as(run.out()).isEmpty();
    assertThat(json.get("java").get("home").asString()).isEqualTo(System.getProperty("java.home"));
    assertThat(json.get("bouncycastle_version").asString()).startsWith("1.");
  }

  @Test
  void testVersion_unknownBuildFactsAreNullInJsonAndUnknownInText() throws Exception {
    VersionReport report =
        new VersionReport("0.1.0", Optional.empty(), Optional.empty(), "17.0.15", "Debian", "OpenJDK", "/jvm", Optional.empty());

    assertThat(schema().validate(MAPPER.readTree(report.json()))).isEmpty();
    assertThat(report.json()).contains("\"commit\":null", "\"build_date\":null", "\"bouncycastle_version\":null");
    assertThat(report.text()).contains("  commit        unknown\n", "  built         unknown\n", "  bouncycastle  unknown\n");
  }
}
