package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.json.OutputSchemas;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * store.path naming a folder that is not hostpki's (found by a trial: {@code store.path: nginx},
 * the folder of nginx.conf and nginx's own server.crt). plan said "4 to create" without a word,
 * apply left a {@code .lock} there and told the operator to move nginx's certificate away "as the
 * generation still holds it" (there was none); without a colliding name apply made the folder a
 * store beside nginx's files. Now both refuse ({@code foreign-folder}) and leave it as it was.
 */
class ForeignStoreFolderTest {
  private static final String REFUSED = "holds files that are not a hostpki store";

  @TempDir Path dir;
  private Path folder;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-27T08:00:00Z"), ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    folder = dir.resolve("nginx");
    Files.writeString(
        dir.resolve("host.yaml"),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store: {path: nginx}",
            "host: {detect: false, hostname: web, domain: example.com, addresses: [192.0.2.1]}",
            "server: {issuer: internal}",
            ""));
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).run(args);
  }

  /** Every entry below the folder: a link's target, a file's bytes, a folder as such. */
  private SortedMap<String, String> contents() throws IOException {
    SortedMap<String, String> all = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.toList()) {
        String name = folder.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          all.put(name, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          all.put(name, new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
        } else {
          all.put(name, "folder");
        }
      }
    }
    return all;
  }

  private void nginxFolder(boolean withItsOwnCertificate) throws IOException {
    Files.createDirectories(folder.resolve("sites-enabled"));
    Files.writeString(folder.resolve("nginx.conf"), "user www;\n");
    if (withItsOwnCertificate) {
      Files.writeString(folder.resolve("server.crt"), "MY OWN CERT\n");
    }
  }

  @Test
  void testPlanAndApply_onAFolderOfOtherFilesWithACollidingName_refuseAndChangeNothing() throws IOException {
    nginxFolder(true);
    SortedMap<String, String> before = contents();

    CliResult plan = hostpki("plan", "-f", "host.yaml");
    CliResult apply = hostpki("apply", "-f", "host.yaml");
    CliResult status = hostpki("status", "-f", "host.yaml");

    assertThat(status.out() + status.err())
        .contains("Store    " + folder + " — not a hostpki store: it holds other files", REFUSED)
        .doesNotContain("empty: run");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.out() + plan.err())
        .contains("host.yaml:2:15: store folder " + folder + " " + REFUSED + " ('nginx.conf', 'server.crt', 'sites-enabled')")
        .contains("Point store.path at a new or empty folder")
        .doesNotContain("+ ca", "to create");
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err())
        .contains(REFUSED)
        .doesNotContain("generation still holds", "Remove it");
    assertThat(contents()).isEqualTo(before); // no .lock, no ..data, no generation
  }

  @Test
  void testApply_onAFolderOfOtherFilesWithoutACollision_refusesAndMakesNoStoreThere() throws IOException {
    nginxFolder(false);
    for (String name : new String[] {"mime.types", "fastcgi_params", "koi-utf", "a\nb"}) {
      Files.writeString(folder.resolve(name), "theirs");
    }
    SortedMap<String, String> before = contents();

    CliResult apply = hostpki("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err())
        .contains(REFUSED + " ('a\\nb', 'fastcgi_params', 'koi-utf' and 3 more)")
        .doesNotContain("Traceback", "Exception");
    assertThat(contents()).isEqualTo(before);
  }

  @Test
  void testJson_planRefusalHasTheForeignFolderCode_andApplyItsError() throws IOException {
    nginxFolder(true);

    CliResult plan = hostpki("plan", "-f", "host.yaml", "--output", "json");
    CliResult apply = hostpki("apply", "-f", "host.yaml", "--output", "json");

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    JsonNode document = OutputSchemas.valid("plan.schema.json", plan.out());
    assertThat(document.get("changes").size()).isZero();
    assertThat(document.get("errors").get(0).get("code").asString()).isEqualTo("foreign-folder");
    assertThat(document.get("errors").get(0).get("message").asString()).contains(REFUSED);
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    JsonNode error = OutputSchemas.valid("error.schema.json", apply.out());
    assertThat(error.get("diagnostics").get(0).get("message").asString()).contains(REFUSED);
    assertThat(Files.exists(folder.resolve(".lock"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void testApply_anEmptyFolderAndAMountPointsLostAndFound_stillBecomeAStore() throws IOException {
    Files.createDirectories(folder.resolve("lost+found"));

    CliResult apply = hostpki("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(folder.resolve("..data")).isSymbolicLink();
    assertThat(folder.resolve("lost+found")).isDirectory();
    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    Files.writeString(
        dir.resolve("host.yaml"), Files.readString(dir.resolve("host.yaml")).replace("path: nginx", "path: empty"));
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
    assertThat(empty.resolve("server.crt")).isSymbolicLink();
  }

  @Test
  void testApply_aFileDroppedIntoAStoreThatLostItsDataLink_isStillTheLostDataLinkRefusal() throws IOException {
    hostpki("apply", "-f", "host.yaml").assertSucceeded();
    Files.delete(folder.resolve("..data"));
    Files.writeString(folder.resolve("notes.txt"), "an admin's own file");
    SortedMap<String, String> before = contents();

    CliResult plan = hostpki("plan", "-f", "host.yaml");
    CliResult apply = hostpki("apply", "-f", "host.yaml");

    for (CliResult run : new CliResult[] {plan, apply}) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.err()).contains("has no ..data link to its current generation").doesNotContain(REFUSED);
    }
    assertThat(contents()).isEqualTo(before);
  }
}
