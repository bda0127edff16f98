package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.hostpki.fetch.Commands;
import org.hostpki.testkit.ToolCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.hostpki.testkit.Tool;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;

/**
 * Never a commonName over 64 characters (RFC 5280's ub-common-name): a host whose FQDN is 253
 * characters long got it as its CN, in its certificate and in the request external CAs refuse.
 * Checked with the real {@code openssl}: {@code x509}, {@code req -verify}, {@code verify -x509_strict}.
 */
class CommonNameLengthTest {
  private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  /** openssl verify at the test's time, not the machine's: the server certificate ends in 2027. */
  private static final String AT_NOW = Long.toString(NOW.getEpochSecond());
  /** One label of 63, the longest a host name can be. */
  private static final String HOSTNAME = "h".repeat(63);
  /** With the host name, a 253-character FQDN, the longest DNS allows. */
  private static final String DOMAIN = "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(59) + ".example";
  private static final String FQDN = HOSTNAME + "." + DOMAIN;

  @TempDir Path dir;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeAll
  static void needsOpenssl() {
    Tool.OPENSSL.require();
  }

  private CliResult apply(String yaml) throws IOException {
    Files.writeString(dir.resolve("host.yaml"), "apiVersion: hostpki/v1\nstore: {path: pki}\n" + yaml);
    CliResult run = Cli.in(dir).clock(clock).run("apply", "-f", "host.yaml");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run;
  }

  private String openssl(String... args) {
    return Commands.run(dir, args);
  }

  private static String host() {
    return "host: {detect: false, hostname: " + HOSTNAME + ", domain: " + DOMAIN + ", addresses: [192.0.2.10]}\n";
  }

  @Test
  void testA253CharacterFqdn_isNoCommonName_theFirstNameThatFitsIs() throws Exception {
    assertThat(FQDN).hasSize(253);

    apply(host());

    assertThat(openssl("openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", "pki/server.crt").strip())
        .isEqualTo("subject=CN=" + HOSTNAME);
    assertThat(openssl("openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", "pki/server.crt"))
        .contains("DNS:" + FQDN, "DNS:" + HOSTNAME);
    String caName = openssl("openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", "pki/ca.crt").strip();
    assertThat(caName.substring("subject=CN=".length())).hasSize(64).endsWith(" hostpki CA");
    assertThat(openssl("openssl", "verify", "-x509_strict", "-attime", AT_NOW, "-CAfile", "pki/ca.crt", "pki/server.crt"))
        .contains("pki/server.crt: OK");
  }

  @Test
  void testWhenNoNameFits_theSubjectIsEmptyAndTheSanCritical() throws Exception {
    apply(host() + "server: {includeHostIdentity: false, dnsNames: [" + FQDN + "]}\n");

    String text = openssl("openssl", "x509", "-noout", "-text", "-in", "pki/server.crt");
    assertThat(text).containsPattern("Subject: *\n").contains("X509v3 Subject Alternative Name: critical");
    assertThat(openssl("openssl", "verify", "-x509_strict", "-attime", AT_NOW, "-CAfile", "pki/ca.crt", "pki/server.crt"))
        .contains("pki/server.crt: OK");
    // A second apply changes nothing: the subject it asks for is the one it wrote.
    CliResult again = Cli.in(dir).clock(clock).run("plan", "-f", "host.yaml", "--detailed-exitcode");
    assertThat(again.exitCode()).as(again.toString()).isZero();
  }

  @Test
  void testTheRequestForAnExternalCa_carriesNoLongCommonName() throws Exception {
    String external = "  issuer: external\n  external: {chain: incoming/chain.pem}\n";

    apply(host() + "server:\n" + external);

    assertThat(openssl("openssl", "req", "-noout", "-subject", "-nameopt", "RFC2253", "-in", "pki/server.csr").strip())
        .isEqualTo("subject=CN=" + HOSTNAME);
    assertThat(openssl("openssl", "req", "-verify", "-noout", "-in", "pki/server.csr")).containsIgnoringCase("verify OK");

    apply(host() + "server:\n" + external + "  includeHostIdentity: false\n  dnsNames: [" + FQDN + "]\n");

    String text = openssl("openssl", "req", "-noout", "-text", "-in", "pki/server.csr");
    assertThat(text).containsPattern("Subject: *\n").contains("X509v3 Subject Alternative Name: critical");
    assertThat(openssl("openssl", "req", "-verify", "-noout", "-in", "pki/server.csr")).containsIgnoringCase("verify OK");
  }
}
