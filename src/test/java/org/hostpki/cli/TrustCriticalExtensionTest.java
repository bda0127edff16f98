package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.hostpki.testkit.CertificateBuilder;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by a hostile trial (thostile17): a trusted root with an extension marked critical that
 * OpenSSL does not know was installed without a word, while {@code openssl verify} refuses it and
 * every certificate it signs ("error 34: unhandled critical extension"). The plan now warns.
 */
class TrustCriticalExtensionTest {
  @TempDir Path dir;

  @Test
  void testPlan_warnsOfATrustedRootWithACriticalExtensionOpensslDoesNotKnow() throws IOException {
    Instant now = Instant.now();
    Files.writeString(dir.resolve("odd.pem"), root("Odd Root", now).criticalExtension("1.2.3.4.5").build().pem());
    Files.writeString(dir.resolve("plain.pem"), root("Plain Root", now).build().pem());
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\nhost: {hostname: portal, domain: example.com, detect: false}\n"
            + "trust:\n  certificates:\n    - {name: odd, file: odd.pem}\n    - {name: plain, file: plain.pem}\n");

    CliResult plan = Cli.in(dir).run("plan", "host.yaml");
    CliResult json = Cli.in(dir).run("plan", "host.yaml", "--output", "json");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out())
        .contains(
            "warning: trusted certificate 'odd' has an extension marked critical that OpenSSL does not"
                + " know (1.2.3.4.5): OpenSSL clients (curl, nginx, HAProxy, Python) refuse it and every"
                + " certificate it signs")
        .doesNotContain("'plain' has");
    assertThat(json.out()).contains("\"trust-critical-extension\"").containsOnlyOnce("critical-extension");
  }

  /**
   * rvcore17 M3: a certificate trust.caOnly or trust.excludeExpired leaves out is not installed,
   * yet it was warned of as one OpenSSL clients refuse: two contradicting warnings for one entry
   * (and the warning metric raised). Only the certificates the filters keep are checked.
   */
  @Test
  void testPlan_warnsNotOfACertificateTheTrustFiltersLeaveOut() throws IOException {
    Instant now = Instant.now();
    Files.writeString(
        dir.resolve("leaf.pem"),
        CertificateBuilder.certificate("Odd Device").selfSigned(TestKeys.ec()).criticalExtension("1.2.3.4.5")
            .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(400))).build().pem());
    Files.writeString(
        dir.resolve("expired.pem"),
        root("Old Root", now).criticalExtension("1.2.3.4.6")
            .validity(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1))).build().pem());
    Files.writeString(dir.resolve("odd.pem"), root("Odd Root", now).criticalExtension("1.2.3.4.7").build().pem());
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\nhost: {hostname: portal, domain: example.com, detect: false}\n"
            + "trust:\n  caOnly: true\n  excludeExpired: true\n  certificates:\n    - {name: leaf, file: leaf.pem}\n"
            + "    - {name: expired, file: expired.pem}\n    - {name: odd, file: odd.pem}\n");

    CliResult plan = Cli.in(dir).run("plan", "host.yaml");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out())
        .contains("'leaf' (CN=Odd Device) is left out: not a CA")
        .contains("'expired' (CN=Old Root) is left out: expired on")
        .contains("warning: trusted certificate 'odd' has an extension marked critical that OpenSSL does not know (1.2.3.4.7)")
        .doesNotContain("1.2.3.4.5")
        .doesNotContain("1.2.3.4.6");
  }

  private static CertificateBuilder root(String name, Instant now) {
    return CertificateBuilder.certificate(name)
        .selfSigned(TestKeys.ec())
        .ca(null)
        .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(400)));
  }
}
