package org.hostpki.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;

/**
 * A complete, good store made by a real {@code hostpki apply}: internal CA, server certificate,
 * PKCS#12 files (password from {@code HOSTPKI_PASSWORD}), and three trusted certificates from a
 * file, an inline PEM and a trust directory. Hostile cases copy it and break one thing.
 */
final class GoodStore {
  static final String PASSWORD = "s3cret-pw-7781";
  static final Map<String, String> ENVIRONMENT = Map.of("HOSTPKI_PASSWORD", PASSWORD);
  static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final HostIdentityProbe PROBE =
      spec ->
          new HostIdentity(
              "portal", Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));

  static final String YAML_HEAD =
      String.join(
          "\n",
          "apiVersion: hostpki/v1",
          "store:",
          "  path: pki",
          "  password: {env: HOSTPKI_PASSWORD}",
          "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}",
          "ca:",
          "  subject: {commonName: Example Portal CA, organization: Example Corp, country: US}",
          "");

  private GoodStore() {}

  /** A self-signed certificate valid around {@link #NOW}, as a trusted certificate to declare. */
  static Certificate trustedCertificate(String commonName) {
    KeyMaterial key = KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom());
    return new CertificateIssuer(new SecureRandom())
        .selfSignedCa(Subject.commonName(commonName), key, NOW, Duration.ofDays(365));
  }

  /** The desired state of the template; {@code trust} follows {@link #YAML_HEAD}. */
  static String yaml(String inlinePem) {
    return YAML_HEAD
        + String.join(
            "\n",
            "trust:",
            "  certificates:",
            "    - {name: ldap, file: trusted/ldap.pem}",
            "    - {name: bmc-01, pem: \"" + inlinePem.replace("\n", "\\n") + "\"}",
            "  directories: [trusted.d]",
            "");
  }

  /** The names of the two generations of {@link #buildWithTwoGenerations}, older first. */
  static final String FIRST_GENERATION = "..2026_11_27_08_00_00.000000000";

  static final String SECOND_GENERATION = "..2026_11_27_08_01_00.000000000";

  /**
   * The template, then its server re-issued a minute later: a store with a generation to go back
   * to; returns {@code dir}.
   */
  static Path buildWithTwoGenerations(Path dir) throws IOException {
    build(dir);
    Workspace later = new Workspace(dir, Clock.offset(CLOCK, Duration.ofMinutes(1)), PROBE);
    CliResult replaced = later.hostpki("apply", "-f", "host.yaml", "--replace", "server");
    assertThat(replaced.exitCode()).as(replaced.toString()).isZero();
    return dir;
  }

  /** Writes the template into {@code dir} and applies it; returns {@code dir}. */
  static Path build(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("trusted"));
    Files.createDirectories(dir.resolve("trusted.d"));
    Files.writeString(dir.resolve("trusted/ldap.pem"), trustedCertificate("ldap.example.com").pem());
    Files.writeString(dir.resolve("trusted.d/web.pem"), trustedCertificate("web.example.com").pem());
    Files.writeString(dir.resolve("host.yaml"), yaml(trustedCertificate("bmc-01.example.com").pem()));
    Workspace workspace = new Workspace(dir, CLOCK, PROBE);
    CliResult made = workspace.hostpki("apply", "-f", "host.yaml");
    assertThat(made.exitCode()).as(made.toString()).isZero();
    CliResult again = workspace.hostpki("plan", "-f", "host.yaml", "--detailed-exitcode");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    return dir;
  }
}
