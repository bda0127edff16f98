package org.hostpki.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Desired-state files for CLI tests: a fixed host identity, internal or external issuer. */
final class ExternalSetup {
  private ExternalSetup() {}

  static final String CHAIN = "incoming/portal-chain.pem";

  /** Writes {@code host.yaml} in {@code dir}; {@code fallback} null means an internal issuer. */
  static Path write(Path dir, String address, String fallback) throws IOException {
    StringBuilder yaml =
        new StringBuilder(
            String.join(
                "\n",
                "apiVersion: hostpki/v1",
                "store:",
                "  path: pki",
                "  password: {env: HOSTPKI_PASSWORD}",
                "host:",
                "  detect: false",
                "  hostname: portal",
                "  domain: example.com",
                "  addresses: [" + address + "]",
                "ca:",
                "  subject: {commonName: Example Portal CA, organization: Example Corp, country: US}",
                "server:",
                "  subject: {commonName: portal.example.com, organization: Example Corp}",
                "  dnsNames: [portal.example.com, www.portal.example.com]",
                ""));
    if (fallback != null) {
      yaml.append(
          String.join(
              "\n",
              "  issuer: external",
              "  external:",
              "    chain: " + CHAIN,
              "    fallback: " + fallback,
              ""));
    }
    Path file = dir.resolve("host.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
