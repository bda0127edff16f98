package org.hostpki.pki;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.IpAddresses;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.testkit.TestKeys;

/**
 * The pki tests' fixtures: a fixed clock, and a CA and a server certificate as hostpki's own
 * issuer makes them (keys from {@link TestKeys}).
 */
final class TestPki {
  private TestPki() {}

  /** The tests' clock: every issuance passes this instant; openssl checks with -attime. */
  static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

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
    return new CertificateIssuer(TestKeys.RANDOM)
        .selfSignedCa(
            subject("Test CA " + spec, "Example Corp", "US"),
            TestKeys.key(spec, "ca"),
            NOW,
            Duration.ofDays(3650));
  }

  static ServerProfile profile(String... dnsNames) {
    return new ServerProfile(
        Subject.empty(), List.of(dnsNames), List.of(ip("192.0.2.10")), Duration.ofDays(398), false);
  }

  static Certificate server(KeySpec caSpec, Certificate ca, KeySpec serverSpec) {
    return new CertificateIssuer(TestKeys.RANDOM)
        .server(
            profile("portal.example.com", "portal"),
            TestKeys.key(serverSpec, "server"),
            ca,
            TestKeys.key(caSpec, "ca"),
            NOW);
  }
}
