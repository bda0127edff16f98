package org.hostpki.trust;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.cli.Environment;
import org.hostpki.cli.Main;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.HostIdentity;

/**
 * A desired-state file {@code host.yaml} in a real directory, whose store is {@code pki/}, and the
 * CLI run in-process on it with a fixed clock and a fixed host identity (portal.example.com,
 * 127.0.0.1, so a loopback TLS client can verify the server certificate).
 */
final class TrustWorkspace {
  static final String PASSWORD = "s3cret-pw";

  final Path dir;
  final Path store;
  Clock clock = Clock.fixed(TrustCertificates.NOW, ZoneOffset.UTC);
  String pkcs12Profile = "modern";

  TrustWorkspace(Path dir) {
    this.dir = dir;
    this.store = dir.resolve("pki");
  }

  /** What one CLI run printed, and its exit code. */
  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** Writes host.yaml with this {@code trust:} section (lines indented by two spaces). */
  void desired(String... trustLines) throws IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "apiVersion: hostpki/v1",
                "store:",
                "  path: pki",
                "  password: {env: HOSTPKI_PASSWORD}",
                "  pkcs12Profile: " + pkcs12Profile,
                "host:",
                "  detect: false",
                "  hostname: portal",
                "  domain: example.com",
                "  addresses: [127.0.0.1]",
                "ca:",
                "  subject: {commonName: Portal Test CA, organization: Example Corp}",
                "server:",
                "  dnsNames: [localhost]",
                "trust:"));
    for (String line : trustLines) {
      lines.add("  " + line);
    }
    Files.writeString(dir.resolve("host.yaml"), String.join("\n", lines) + "\n");
  }

  Run hostpki(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    HostIdentity host =
        new HostIdentity(
            "portal", Optional.of("example.com"), List.of(InetAddress.getLoopbackAddress()));
    Environment environment =
        new Environment(
            dir.getFileSystem(),
            dir,
            Map.of("HOSTPKI_PASSWORD", PASSWORD),
            clock,
            HostIdentityProbe.fixed(host),
            false);
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), environment, args);
    return new Run(code, out.toString(), err.toString());
  }

  Run apply(String... extra) {
    return hostpki(withFile("apply", extra));
  }

  Run plan(String... extra) {
    return hostpki(withFile("plan", extra));
  }

  Run status(String... extra) {
    return hostpki(withFile("status", extra));
  }

  private static String[] withFile(String command, String... extra) {
    List<String> args = new ArrayList<>(List.of(command, "-f", "host.yaml"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** A file of the store, read through its visible name. */
  byte[] read(String name) throws IOException {
    return Files.readAllBytes(store.resolve(name));
  }

  String readText(String name) throws IOException {
    return new String(read(name), StandardCharsets.US_ASCII);
  }

  char[] password() {
    return PASSWORD.toCharArray();
  }
}
