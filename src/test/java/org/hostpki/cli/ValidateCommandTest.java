package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hostpki.json.OutputSchemas;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.Command;
import org.hostpki.testkit.Jvm;
import org.hostpki.testkit.ProcessResult;

class ValidateCommandTest {
  private static final String VALID = "apiVersion: hostpki/v1\nstore:\n  path: pki\n";
  private static final String THREE_ERRORS =
      "apiVersion: hostpki/v1\nstore:\n  path: pki\nca:\n  validity: 3650\n"
          + "server:\n  issuer: externl\n  dnsNames: [portal..example.com]\n";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeFiles() throws IOException {
    Files.writeString(dir.resolve("good.yaml"), VALID);
    Files.writeString(dir.resolve("bad.yaml"), THREE_ERRORS);
    Files.writeString(
        dir.resolve("odd.yaml"), VALID + "server:\n  key: {algorithm: Ed25519}\n");
  }

  /** Runs hostpki in this JVM; what it prints adds to {@link #out} and {@link #err}. */
  private int run(String... args) {
    CliResult result = Cli.in(dir).run(args);
    out.write(result.out());
    err.write(result.err());
    return result.exitCode();
  }

  @Test
  void testValidate_validFileExitsZeroAndPrintsNoProblems() {
    int code = run("validate", "good.yaml");

    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).isEqualTo("1 file checked: valid, 0 warnings\n");
  }

  @Test
  void testValidate_invalidFilePrintsEachProblemAndExitsOne() {
    int code = run("validate", "good.yaml", "bad.yaml");

    assertThat(code).isEqualTo(ExitCodes.ERROR);
    assertThat(out.toString().lines())
        .containsExactly(
            "bad.yaml:5:13: error: ca.validity must be a duration such as 90d, 12h, 30m, 45s or P90D,"
                + " not the number 3650; did you mean 3650d?",
            "bad.yaml:7:11: error: server.issuer 'externl' is not one of: internal, external, acme;"
                + " did you mean 'external'?",
            "bad.yaml:8:14: error: server.dnsNames[0] 'portal..example.com' has an empty label"
                + " (a leading dot or two dots in a row)");
    assertThat(err.toString()).isEqualTo("2 files checked: 1 invalid (3 errors), 0 warnings\n");
  }

  @Test
  void testValidate_warningsAloneExitZero() {
    int code = run("validate", "odd.yaml");

    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).startsWith("odd.yaml:5:20: warning: browsers do not accept Ed25519");
    assertThat(err.toString()).isEqualTo("1 file checked: valid, 1 warning\n");
  }

  @Test
  void testValidate_missingFileIsInvalid() {
    int code = run("validate", "nowhere.yaml");

    assertThat(code).isEqualTo(ExitCodes.ERROR);
    assertThat(out.toString()).isEqualTo("nowhere.yaml: error: no such file\n");
  }

  @Test
  void testValidate_pathIsShownAsTyped() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/host.yaml"), "apiVersion: hostpki/v2\nstore: {path: pki}\n");

    run("validate", "sub/host.yaml");

    assertThat(out.toString())
        .isEqualTo("sub/host.yaml:1:13: error: apiVersion must be 'hostpki/v1', not the text 'hostpki/v2'\n");
  }

  @Test
  void testValidate_jsonOutputIsOneDocumentWithEveryProblem() {
    int code = run("validate", "--output", "json", "bad.yaml", "odd.yaml", "nowhere.yaml");

    assertThat(code).isEqualTo(ExitCodes.ERROR);
    JsonNode document = OutputSchemas.valid("validate.schema.json", out.toString());
    assertThat(document.get("valid").asBoolean()).isFalse();
    assertThat(document.get("error_count").asInt()).isEqualTo(4);
    assertThat(document.get("warning_count").asInt()).isEqualTo(1);
    JsonNode problems = document.get("diagnostics");
    assertThat(problems.size()).isEqualTo(5);
    JsonNode first = problems.get(0);
    assertThat(first.get("file").asString()).isEqualTo("bad.yaml");
    assertThat(first.get("line").asInt()).isEqualTo(5);
    assertThat(first.get("column").asInt()).isEqualTo(13);
    assertThat(first.get("severity").asString()).isEqualTo("error");
    assertThat(first.get("message").asString()).startsWith("ca.validity must be a duration");
    assertThat(problems.get(3).get("severity").asString()).isEqualTo("warning");
    JsonNode missing = problems.get(4);
    assertThat(missing.get("file").asString()).isEqualTo("nowhere.yaml");
    assertThat(missing.get("line").isNull()).isTrue();
    assertThat(missing.get("column").isNull()).isTrue();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void testValidate_jsonOutputOfValidFilesHasNoDiagnostics() {
    int code = run("validate", "--output", "json", "good.yaml");

    assertThat(code).isEqualTo(ExitCodes.OK);
    JsonNode document = OutputSchemas.valid("validate.schema.json", out.toString());
    assertThat(document.get("valid").asBoolean()).isTrue();
    assertThat(document.get("diagnostics")).isEmpty();
  }

  @Test
  void testValidate_unknownOutputFormatIsAUsageError() {
    int code = run("validate", "--output", "yaml", "good.yaml");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("invalid value for option '--output': 'yaml' is not one of text, json, github");
  }

  @Test
  void testValidate_withoutFilesIsAUsageError() {
    assertThat(run("validate")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void testValidate_anEmptyFileNameIsAUsageError() {
    // was "'': error: is a directory" (the working directory), exit 1; plan says this, exit 64
    int code = run("validate", "good.yaml", "");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("a desired-state file name is empty (FILE '')");
  }

  @Test
  void testValidate_helpPrintsUsage() {
    int code = run("validate", "--help");

    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("Usage: hostpki validate").contains("--output=FORMAT");
  }

  @Test
  void testValidate_touchesNoStore() {
    run("validate", "good.yaml");

    assertThat(dir.resolve("pki")).doesNotExist();
  }

  @Test
  void testValidate_githubOutputIsOneWorkflowCommandPerProblem() {
    int code = run("validate", "--output", "github", "bad.yaml", "odd.yaml", "nowhere.yaml");

    assertThat(code).isEqualTo(ExitCodes.ERROR);
    assertThat(out.toString().lines())
        .containsExactly(
            "::error file=bad.yaml,line=5,col=13::ca.validity must be a duration such as 90d, 12h,"
                + " 30m, 45s or P90D, not the number 3650; did you mean 3650d?",
            "::error file=bad.yaml,line=7,col=11::server.issuer 'externl' is not one of: internal,"
                + " external, acme; did you mean 'external'?",
            "::error file=bad.yaml,line=8,col=14::server.dnsNames[0] 'portal..example.com' has an"
                + " empty label (a leading dot or two dots in a row)",
            "::warning file=odd.yaml,line=5,col=20::browsers do not accept Ed25519 server"
                + " certificates; use EC or RSA if browsers connect",
            "::error file=nowhere.yaml::no such file");
    assertThat(err.toString()).isEqualTo("3 files checked: 2 invalid (4 errors), 1 warning\n");
  }

  @Test
  void testValidate_githubOutputOfValidFilesIsEmpty() {
    int code = run("validate", "--output", "github", "good.yaml");

    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void testValidate_githubOutputEscapesTheFileName() throws IOException {
    Files.writeString(dir.resolve("a,b:c%.yaml"), "apiVersion: hostpki/v2\nstore: {path: pki}\n");

    run("validate", "--output", "github", "a,b:c%.yaml");

    assertThat(out.toString()).startsWith("::error file=a%2Cb%3Ac%25.yaml,line=1,col=13::apiVersion must be");
  }
  /**
   * validate runs on untrusted pull requests in CI: its cost is bounded by the file's limits (1
   * MiB, 20,000 values). The costliest file within them, [{}, {}, ...] as trust.certificates (two
   * schema errors for each value, and one for the list's length), is checked in a JVM with 64 MiB of heap; before the value
   * limit, 1 MiB of [1,1,1,...] ran out of memory with 256 MiB.
   */
  @Test
  void testValidate_theCostliestFileWithinTheLimitsIsCheckedIn64MiB() throws Exception {
    StringBuilder yaml = new StringBuilder(VALID + "trust: {certificates: [{}");
    yaml.append(",{}".repeat(19_988)).append("]}\n");
    Files.writeString(dir.resolve("costly.yaml"), yaml);
    Files.writeString(dir.resolve("over.yaml"), VALID + "server: {ipAddresses: [" + "1,".repeat(500_000) + "1]}\n");
    List<String> command = new ArrayList<>(List.of(Jvm.java(), "-Xmx64m"));
    command.addAll(Jvm.SHORT_RUN);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "validate", "costly.yaml", "over.yaml"));

    ProcessResult run = Command.of(command).in(dir).timeout(Command.LONG_GUARD).run();

    assertThat(run.stderr()).endsWith("2 files checked: 2 invalid (39980 errors), 0 warnings\n");
    assertThat(run.stdout())
        .startsWith("costly.yaml:4:23: error: trust.certificates lists 19989 entries; at most 2000 are declared one by"
            + " one (the desired state stays a file people read); put the certificates into a folder, one file each,"
            + " and name it in trust.directories, which holds any number\n")
        .contains("costly.yaml:4:24: error: trust.certificates[0] is missing the required key 'name'\n")
        .contains("costly.yaml: error: 39879 more errors are not shown")
        .endsWith("over.yaml:4:" + (24 + 2 * 19_989) + ": error: the YAML holds more than 20000 values (keys,"
            + " texts, lists and mappings); a desired state holds a few hundred: is this the desired-state file? (Many trusted"
            + " certificates go into a folder named in trust.directories, one file each.)\n");
  }
}
