package org.hostpki.pki;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;

/**
 * Shared test material: a fixed clock, the key specs, and keys made once per JVM (RSA key
 * generation is slow enough to matter).
 */
final class TestPki {
  private TestPki() {}

  /** The tests' clock: every issuance passes this instant; openssl checks with -attime. */
  static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

  static final SecureRandom RANDOM = new SecureRandom();

  static final KeySpec P256 = new KeySpec.Ec(KeySpec.Curve.P256);
  static final KeySpec P384 = new KeySpec.Ec(KeySpec.Curve.P384);
  static final KeySpec P521 = new KeySpec.Ec(KeySpec.Curve.P521);
  static final KeySpec RSA2048 = new KeySpec.Rsa(2048);
  static final KeySpec RSA3072 = new KeySpec.Rsa(3072);
  static final KeySpec ED25519 = new KeySpec.Ed25519();

  static final List<KeySpec> ALL_SPECS = List.of(P256, P384, P521, RSA2048, RSA3072, ED25519);

  private static final Map<String, KeyMaterial> KEYS = new HashMap<>();

  /** A key of the spec, the same one for the same name within a test run. */
  static synchronized KeyMaterial key(KeySpec spec, String name) {
    return KEYS.computeIfAbsent(spec + "/" + name, k -> KeyMaterial.generate(spec, RANDOM));
  }

  static Subject subject(String cn, String o, String c) {
    return new Subject(
        Optional.ofNullable(cn),
        Optional.ofNullable(o),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.ofNullable(c),
        Optional.empty());
  }

  static InetAddress ip(String text) {
    return IpAddresses.parse(text).orElseThrow();
  }

  static Certificate ca(KeySpec spec) {
    return new CertificateIssuer(RANDOM)
        .selfSignedCa(
            subject("Test CA " + spec, "Example Corp", "US"),
            key(spec, "ca"),
            NOW,
            Duration.ofDays(3650));
  }

  static ServerProfile profile(String... dnsNames) {
    return new ServerProfile(
        Subject.empty(), List.of(dnsNames), List.of(ip("192.0.2.10")), Duration.ofDays(398), false);
  }

  static Certificate server(KeySpec caSpec, Certificate ca, KeySpec serverSpec) {
    return new CertificateIssuer(RANDOM)
        .server(
            profile("portal.example.com", "portal"),
            key(serverSpec, "server"),
            ca,
            key(caSpec, "ca"),
            NOW);
  }
}
