package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.CertificateBuilder;
import org.hostpki.testkit.Cli;
import org.hostpki.model.HostIdentity;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code hostpki status} for an external issuer: waiting, imported, refused. */
class StatusCommandTest {
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "pw");
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  private static final TestCa CA = TestCa.create(NOW);

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    ExternalSetup.write(dir, "192.0.2.10", "none");
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();
  }

  private CliResult hostpki(String... args) {
    return Cli.in(dir).clock(clock).env(ENV).run(args);
  }

  private void deliver(Certificate... chain) throws IOException {
    Path file = dir.resolve(ExternalSetup.CHAIN);
    Files.createDirectories(file.getParent());
    Files.writeString(file, Pem.certificates(List.of(chain)), StandardCharsets.US_ASCII);
  }

  private Certificate signed() throws IOException {
    return CA.sign(Files.readAllBytes(dir.resolve("pki/server.csr")), NOW.minus(Duration.ofMinutes(1)), Duration.ofDays(90));
  }

  /** The CA's intermediate, ending 30 days from now: before the leaf {@link #signed} makes. */
  private static Certificate shortIntermediate() {
    return CertificateBuilder.certificate(TestCa.INTERMEDIATE_NAME)
        .key(CA.intermediateKey())
        .issuedBy(CA.root(), CA.rootKey())
        .ca(0)
        .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)))
        .build();
  }

  @Test
  void testStatus_waitingSaysWhereTheChainGoesAndShowsTheRequest() {
    CliResult run = hostpki("status", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains(
            "Issuer   external; chain file " + dir.resolve(ExternalSetup.CHAIN) + " (not there yet)",
            "serving a certificate from the internal CA until a signed chain is imported",
            "request " + dir.resolve("pki/server.csr") + ": CN=portal.example.com,O=Example Corp",
            "warning: Waiting for a signed chain at " + dir.resolve(ExternalSetup.CHAIN));
  }

  @Test
  void testStatus_importedChainIsShownLeafToRoot() throws IOException {
    deliver(signed(), CA.intermediate(), CA.root());
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();

    CliResult run = hostpki("status", "-f", "host.yaml");

    assertThat(run.out())
        .contains(
            "(a valid chain)",
            "serving the imported chain: CN=portal.example.com <- CN=Example Issuing CA 2 <- CN=Example Root CA")
        .doesNotContain("warning:");
  }

  @Test
  void testStatus_refusedChainIsAnErrorLineButStatusSucceeds() throws IOException {
    deliver(signed());

    CliResult run = hostpki("status", "-f", "host.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("(refused, see the error below)", "error: cannot import the chain in", "  - missing intermediate");
  }

  /**
   * Found in the time trial: once the intermediate of the chain imported before expired, status
   * said "(refused, see the error below)" and no error followed (the file is the one imported, so
   * the plan refuses nothing).
   */
  @Test
  void testStatus_theChainImportedBeforeRefusedNowSaysWhyInItsLine() throws IOException {
    deliver(signed(), shortIntermediate());
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();

    CliResult run =
        Cli.in(dir).clock(Clock.fixed(NOW.plus(Duration.ofDays(31)), ZoneOffset.UTC)).env(ENV)
            .run("status", "-f", "host.yaml");

    assertThat(run.out())
        .contains("(the chain imported before, refused now: ", "expired on 2026-12-27 08:00 UTC")
        .doesNotContain("see the error below");
  }

  /**
   * Found in the external CA trial: with an intermediate that expires before the leaf, status showed
   * only the leaf's end ("not after 2027-03-07 (89 days left)") while check counted from the
   * intermediate's ("expires ... in 59 days").
   */
  @Test
  void testStatus_anIntermediateThatEndsTheChainFirstIsShownWithItsDay() throws IOException {
    deliver(signed(), shortIntermediate());
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();

    CliResult run = hostpki("status", "-f", "host.yaml");

    assertThat(run.out())
        .contains(
            "chain valid until 2026-12-27 (30 days left), when CN=Example Issuing CA 2 in it"
                + " expires, before the certificate itself");
  }

  @Test
  void testStatus_jsonDescribesTheExternalIssuer() throws IOException {
    deliver(signed(), CA.intermediate());
    assertThat(hostpki("apply", "-f", "host.yaml").exitCode()).isZero();

    CliResult run = hostpki("status", "-f", "host.yaml", "--output", "json");

    JsonNode json = JsonMapper.builder().build().readTree(run.out());
    JsonNode external = json.get("external");
    assertThat(external.get("chain_file_state").asString()).isEqualTo("valid");
    assertThat(external.get("serving").asString()).isEqualTo("external");
    assertThat(external.get("imported")).hasSize(2);
    assertThat(external.get("csr").get("dns_names").toString()).contains("www.portal.example.com");
    assertThat(json.get("errors")).isEmpty();
  }

  /** Found: a host with 1001 addresses printed them all on the Host line, a screen of them. */
  @Test
  void testHostLine_aHostWithManyAddressesShowsTheFirstSixteenAndHowManyMore() throws IOException {
    List<java.net.InetAddress> many = new java.util.ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      many.add(java.net.InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) i}));
    }

    String line = StatusCommand.hostLine(new HostIdentity("portal", Optional.of("example.com"), many));
    String few = StatusCommand.hostLine(new HostIdentity("portal", Optional.empty(), many.subList(0, 16)));

    assertThat(line)
        .startsWith("portal.example.com [192.0.2.1, 192.0.2.2, ")
        .endsWith(", 192.0.2.16, and 24 more (--output json lists all)]")
        .doesNotContain("192.0.2.17");
    assertThat(few).startsWith("portal [192.0.2.1, ").endsWith(", 192.0.2.16]");
  }
}
