package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.hostpki.json.OutputSchemas;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * store.path inside an existing store (found by a trial: {@code store.path: pki/inner} beside the
 * store {@code pki}) was applied without a word: the inner store sat among the outer store's
 * files, which took it for a file it did not make. Now plan, apply and status refuse it
 * ({@code nested-store}) before anything is made: in the store's folder, in its generation
 * folder, through {@code ..data}, through a link to the store and through one of its files
 * ({@code pki/server.crt/inner}, which said only "Not a directory").
 */
class NestedStoreTest {
  private static final String REFUSED = "is inside the hostpki store ";

  @TempDir static Path dir;
  private static Path outer;
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T08:00:00Z"), ZoneOffset.UTC);

  @BeforeAll
  static void outerStore() throws IOException {
    outer = dir.toRealPath().resolve("pki");
    write("outer.yaml", "pki");
    hostpki("apply", "-f", "outer.yaml").assertSucceeded();
    Files.createSymbolicLink(dir.resolve("link"), outer);
  }

  private static void write(String file, String storePath) throws IOException {
    Files.writeString(
        dir.resolve(file),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store: {path: '" + storePath + "'}",
            "host: {detect: false, hostname: web, domain: example.com, addresses: [192.0.2.1]}",
            "server: {issuer: internal}",
            ""));
  }

  private static CliResult hostpki(String... args) {
    return Cli.in(dir).clock(CLOCK).run(args);
  }

  private static List<String> outerEntries() throws IOException {
    try (Stream<Path> walk = Files.walk(outer)) {
      return walk.map(p -> outer.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void testPlanApplyStatus_ofAStoreInsideAStore_refuseNamingTheOuterStoreAndMakeNothing() throws IOException {
    String generation = Files.readSymbolicLink(outer.resolve("..data")).toString();
    List<String> before = outerEntries();
    for (String path : List.of("pki/inner", "pki/" + generation + "/inner", "pki/..data/inner", "link/inner",
        "pki/server.crt/inner", "pki/a/b")) {
      write("inner.yaml", path);

      CliResult plan = hostpki("plan", "-f", "inner.yaml");
      CliResult apply = hostpki("apply", "-f", "inner.yaml");

      assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
      assertThat(plan.out() + plan.err())
          .as(path)
          .contains("inner.yaml:2:15: store folder ", REFUSED + outer, "Put store.path beside it, e.g. " + outer.getParent())
          .doesNotContain("to create");
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
      assertThat(apply.err()).as(path).contains(REFUSED + outer).doesNotContain("Exception");
      assertThat(outerEntries()).as(path).isEqualTo(before); // no inner folder, no .lock
    }
    CliResult status = hostpki("status", "-f", "inner.yaml");
    assertThat(status.out() + status.err()).contains("— inside another hostpki store", REFUSED);
  }

  @Test
  void testApplyJson_ofAnExistingFolderInsideAStore_hasTheNestedStoreCode_andLeavesNoLock() throws IOException {
    Path inner = Files.createDirectories(outer.resolve("kept"));
    write("kept.yaml", "pki/kept");

    CliResult plan = hostpki("plan", "-f", "kept.yaml", "--output", "json");
    CliResult apply = hostpki("apply", "-f", "kept.yaml", "--output", "json");

    JsonNode document = OutputSchemas.valid("plan.schema.json", plan.out());
    assertThat(document.get("errors").get(0).get("code").asString()).isEqualTo("nested-store");
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    JsonNode error = OutputSchemas.valid("error.schema.json", apply.out());
    assertThat(error.get("diagnostics").get(0).get("message").asString()).contains(REFUSED + outer);
    try (Stream<Path> entries = Files.list(inner)) {
      assertThat(entries).isEmpty();
    }
    Files.delete(inner);
  }

  @Test
  void testPlan_throughAFileOutsideAStore_namesTheFile() throws IOException {
    write("through.yaml", "outer.yaml/pki");

    CliResult plan = hostpki("plan", "-f", "through.yaml");

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.err())
        .contains("through.yaml:2:15: store " + dir.toRealPath().resolve("outer.yaml/pki") + " goes through "
            + dir.toRealPath().resolve("outer.yaml") + ", which is not a directory")
        .doesNotContain("Not a directory");
  }

  @Test
  void testApply_aStoreBesideAnother_stillWorks() throws IOException {
    write("beside.yaml", "beside");

    hostpki("apply", "-f", "beside.yaml").assertSucceeded();
    hostpki("plan", "-f", "outer.yaml").assertSucceeded();
  }
}
