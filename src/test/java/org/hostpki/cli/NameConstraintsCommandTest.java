package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hostpki.model.IpNetwork;
import org.hostpki.model.NameConstraints;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ca.nameConstraints} through the commands, in process: apply makes the CA with them,
 * status shows them, a change waits for the rotation overlap, a server name outside is refused
 * and leaves the store as it was.
 */
class NameConstraintsCommandTest {
  private static final String HEAD =
      "apiVersion: hostpki/v1\nstore: {path: pki}\n"
          + "host: {hostname: portal, domain: example.com, addresses: [192.0.2.10, 198.51.100.7], detect: false}\n"
          + "ca:\n  rotation: {overlap: 7d}\n";
  private static final String FENCE =
      "  nameConstraints: {permitted: {dnsDomains: [example.com], ipRanges: [192.0.2.0/24]}}\n";

  @TempDir Path dir;

  @Test
  void testApply_makesTheCaWithTheDeclaredConstraintsAndLeavesTheHostNamesOutsideOut() throws Exception {
    write(HEAD + FENCE);

    CliResult apply = run("apply", "-f", "host.yaml");
    CliResult status = run("status", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(certificate("ca.crt").nameConstraints())
        .contains(
            new NameConstraints(
                List.of("example.com"), List.of(IpNetwork.parse("192.0.2.0/24").orElseThrow()), List.of(), List.of()));
    assertThat(certificate("server.crt").facts().dnsNames()).containsExactly("portal.example.com");
    assertThat(apply.out() + apply.err()).contains("warning: the server certificate leaves out portal of the host identity");
    assertThat(status.out())
        .contains("name constraints permitted dnsDomains [example.com]; permitted ipRanges [192.0.2.0/24]");
  }

  @Test
  void testApply_changedConstraintsMakeANewCaThatWaitsForTheOverlap() throws Exception {
    write(HEAD + FENCE);
    run("apply", "-f", "host.yaml").assertSucceeded();
    byte[] ca = Files.readAllBytes(dir.resolve("pki/ca.crt"));
    write(HEAD + "  nameConstraints: {permitted: {dnsDomains: [example.com, portal]}}\n");

    CliResult plan = run("plan", "-f", "host.yaml", "--output", "json");
    CliResult apply = run("apply", "-f", "host.yaml");

    assertThat(plan.out()).contains("\"code\":\"name-constraints-changed\"");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("pki/ca.crt"))).isEqualTo(ca);
    assertThat(certificate("ca-next.crt").nameConstraints().orElseThrow().permittedDnsDomains())
        .containsExactly("example.com", "portal");
  }

  @Test
  void testApply_aDeclaredNameOutsideTheConstraintsIsRefusedAndTheStoreStaysAsItWas() throws Exception {
    write(HEAD + FENCE);
    run("apply", "-f", "host.yaml").assertSucceeded();
    Map<String, String> before = contents(dir.resolve("pki"));
    write(HEAD + FENCE + "server: {dnsNames: [www.example.com, www.example.net]}\n");

    CliResult apply = run("apply", "-f", "host.yaml");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err())
        .contains(
            "server.dnsNames: www.example.net is outside the CA's name constraints (permitted dnsDomains"
                + " [example.com])")
        .doesNotContain("Exception");
    assertThat(contents(dir.resolve("pki"))).isEqualTo(before);
  }

  private Certificate certificate(String name) throws Exception {
    return Pem.readCertificates(Files.readAllBytes(dir.resolve("pki").resolve(name)), 1).get(0);
  }

  private static Map<String, String> contents(Path store) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(store)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        files.put(store.relativize(p).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
      }
    }
    return files;
  }

  private void write(String yaml) throws IOException {
    Files.writeString(dir.resolve("host.yaml"), yaml);
  }

  private CliResult run(String... args) {
    return Cli.in(dir).run(args);
  }
}
