package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code hostpki history} on real temporary directories. */
class HistoryCommandTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "s3cret-pw");
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

  @TempDir Path dir;
  private Path store;
  private Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    store = dir.resolve("pki");
    writeDesired("portal", "");
  }

  private void writeDesired(String hostname, String trust) throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store:",
            "  path: pki",
            "  password: {env: HOSTPKI_PASSWORD}",
            "host:",
            "  detect: false",
            "  hostname: " + hostname,
            "  domain: example.com",
            "  addresses: [192.0.2.10]",
            trust,
            ""));
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).env(ENV).run(args);
  }

  /** Applies, then moves the clock on an hour, so that generations have distinct times. */
  private void apply() {
    CliResult run = hostpki("apply", "-f", "host.yaml");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    clock = Clock.offset(clock, Duration.ofHours(1));
  }

  private String serverFingerprint() throws Exception {
    return Pem.readCertificates(Files.readAllBytes(store.resolve("server.crt"))).get(0)
        .fingerprint().colonHex();
  }

  @Test
  void testHistory_storeNeverWrittenSaysHowToWriteIt() {
    CliResult run = hostpki("history", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("has no generations yet", "hostpki apply -f host.yaml");
    assertThat(store).doesNotExist();
  }

  @Test
  void testHistory_listsGenerationsNewestFirstWithWhatChangedAndTheServerCertificate()
      throws Exception {
    apply();
    String firstServer = serverFingerprint();
    writeDesired("portal2", "");
    apply();
    String secondServer = serverFingerprint();

    CliResult run = hostpki("history", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .containsSubsequence(
            "keeps 2 generations, newest first",
            "* ..2026_11_27_09_00_00.000000000  written 2026-11-27 09:00:00 UTC  (current)",
            "    changed  ~server ~output/server-fullchain.crt ~output/server.p12",
            "    server   sha256 " + secondServer,
            "  ..2026_11_27_08_00_00.000000000  written 2026-11-27 08:00:00 UTC\n",
            "    changed  +ca +server +output/server-fullchain.crt +output/server.p12"
                + " +output/trust-bundle.crt +output/truststore.p12",
            "    server   sha256 " + firstServer,
            "hostpki rollback -f host.yaml");
  }

  @Test
  void testHistory_jsonHasEachGenerationsChangesAndServerFingerprint() throws Exception {
    apply();
    writeDesired("portal2", "");
    apply();

    CliResult run = hostpki("history", "-f", "host.yaml", "--output", "json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode root = JsonMapper.builder().build().readTree(run.out());
    assertThat(root.get("store").asString()).isEqualTo(store.toString());
    JsonNode newest = root.get("generations").get(0);
    assertThat(newest.get("name").asString()).isEqualTo("..2026_11_27_09_00_00.000000000");
    assertThat(newest.get("time").asString()).isEqualTo("2026-11-27T09:00:00Z");
    assertThat(newest.get("current").asBoolean()).isTrue();
    assertThat(newest.get("changes").get(0).get("address").asString()).isEqualTo("server");
    assertThat(newest.get("changes").get(0).get("action").asString()).isEqualTo("replace");
    assertThat(newest.get("server_sha256").asString()).isEqualTo(serverFingerprint().replace(":", "").toLowerCase(java.util.Locale.ROOT));
    assertThat(root.get("generations").get(1).get("current").asBoolean()).isFalse();
  }

  @Test
  void testHistory_manyTrustedCertificateChangesAreCounted() throws Exception {
    apply();
    Path trusted = Files.createDirectories(dir.resolve("trusted.d"));
    SecureRandom random = new SecureRandom();
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), random);
    for (int i = 0; i < 5; i++) {
      Files.writeString(
          trusted.resolve("t" + i + ".pem"),
          new CertificateIssuer(random)
              .selfSignedCa(Subject.commonName("T" + i), key, T0, Duration.ofDays(30)).pem());
    }
    writeDesired("portal", "trust: {directories: [trusted.d]}");
    apply();

    CliResult run = hostpki("history", "-f", "host.yaml");

    assertThat(run.out())
        .contains("changed  ~output/trust-bundle.crt ~output/truststore.p12 trust/*: +5\n");
  }

  @Test
  void testHistory_generationWithoutMetadataSaysItWasNotRecorded() throws IOException {
    apply();
    Files.delete(store.resolve("..data").toRealPath().resolve(".generation.json"));

    CliResult run = hostpki("history", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("changed  (not recorded)");
  }

  @Test
  void testHistory_unreadableServerCertificateIsShownNotFatal() throws IOException {
    apply();
    Path serverCrt = store.resolve("..data").toRealPath().resolve("server.crt");
    Files.writeString(serverCrt, "garbage");

    CliResult run = hostpki("history", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("server   unreadable: ");
  }

  /** ({@code hostpki history --help} prints the same, through the store commands' help option.) */
  @Test
  void testHelp_showsAnExample() {
    CliResult run = hostpki("help", "history");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Examples:", "hostpki history -f /etc/hostpki/host.yaml");
  }
}
