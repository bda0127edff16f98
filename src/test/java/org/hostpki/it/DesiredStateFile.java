package org.hostpki.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A desired-state file for one store in a directory of its own. Host detection is off: the host
 * identity is given, so every SAN is known to the test and nothing depends on the machine.
 *
 * @param directory where {@code hostpki.yaml} is written; the store is {@code pki/} in it
 * @param addresses the host's addresses, which become IP SANs
 * @param caCommonName the CA's name, or null for hostpki's default (named after the host)
 * @param pkcs12Profile {@code modern} or {@code legacy}
 */
record DesiredStateFile(
    Path directory,
    String hostname,
    String domain,
    List<String> addresses,
    String caCommonName,
    KeyChoice caKey,
    KeyChoice serverKey,
    String pkcs12Profile) {

  static final String DOMAIN = "hostpki.test";

  DesiredStateFile {
    addresses = List.copyOf(addresses);
  }

  /**
   * A host {@code HOSTNAME.hostpki.test} on 127.0.0.1 and ::1 with the CA settings left to
   * hostpki's defaults: an EC P-256 CA named after the host. EC P-256 server key, modern PKCS#12.
   */
  static DesiredStateFile forHost(Path directory, String hostname) {
    return new DesiredStateFile(
        directory,
        hostname,
        DOMAIN,
        List.of("127.0.0.1", "::1"),
        null,
        KeyChoice.EC_P256,
        KeyChoice.EC_P256,
        "modern");
  }

  DesiredStateFile withCaCommonName(String name) {
    return new DesiredStateFile(
        directory, hostname, domain, addresses, name, caKey, serverKey, pkcs12Profile);
  }

  DesiredStateFile withKeys(KeyChoice ca, KeyChoice server) {
    return new DesiredStateFile(
        directory, hostname, domain, addresses, caCommonName, ca, server, pkcs12Profile);
  }

  DesiredStateFile withPkcs12Profile(String profile) {
    return new DesiredStateFile(
        directory, hostname, domain, addresses, caCommonName, caKey, serverKey, profile);
  }

  DesiredStateFile withHostname(String name) {
    return new DesiredStateFile(
        directory, name, domain, addresses, caCommonName, caKey, serverKey, pkcs12Profile);
  }

  /** The host's fully qualified name, one of the DNS SANs. */
  String fqdn() {
    return hostname + "." + domain;
  }

  Path file() {
    return directory.resolve("hostpki.yaml");
  }

  Path storeDirectory() {
    return directory.resolve("pki");
  }

  /** Writes (or overwrites) {@code hostpki.yaml}. */
  DesiredStateFile write() {
    String quoted =
        addresses.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", "));
    String yaml =
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store:",
            "  path: pki",
            "  password: {env: " + Hostpki.PASSWORD_VARIABLE + "}",
            "  pkcs12Profile: " + pkcs12Profile,
            "host:",
            "  detect: false",
            "  hostname: " + hostname,
            "  domain: " + domain,
            "  addresses: [" + quoted + "]",
            "ca:",
            caCommonName == null
                ? "  # subject: hostpki's default"
                : "  subject: {commonName: " + caCommonName + ", organization: hostpki tests}",
            "  key: " + caKey.yaml(),
            "server:",
            "  issuer: internal",
            "  includeHostIdentity: true",
            "  key: " + serverKey.yaml(),
            "");
    try {
      Files.createDirectories(directory);
      Files.writeString(file(), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
