package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings an earlier build read but refused ({@code trust.install}, {@code trust.includeSystemRoots}
 * and the trust filters, {@code outputs}, {@code store.access}, {@code store.previousPassword} and
 * the new hooks, {@code ca.nameConstraints}) are carried out now: validate accepts them without a
 * warning, and left off or empty they are no obstacle to apply.
 */
class NotYetSupportedTest {
  private static final String HEAD = "apiVersion: hostpki/v1\nstore: {path: pki}\nhost: {hostname: portal, domain: example.com, detect: false}\n";

  @TempDir Path dir;

  @Test
  void testApply_settingsLeftAtFalseAreNoObstacle() throws IOException {
    write("trust: {includeSystemRoots: false, excludeExpired: false, caOnly: false}\n");

    CliResult run = run("apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  @Test
  void testValidate_acceptsOutputsAccessPasswordChangeAndTheNewHooksWithoutAWarning() throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        HEAD.replace("store: {path: pki}", "store: {path: pki, password: {env: PW}, previousPassword: {env: OLD_PW}, access: {group: root}}")
            + "outputs:\n  - {format: combined-pem, file: haproxy.pem}\n"
            + "hooks:\n  beforeChange: [[\"true\"]]\n  afterTrustChange: [[\"true\"]]\n  afterCaChange: [[\"true\"]]\n");

    CliResult run = run("validate", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err() + run.out()).doesNotContain("not yet supported");
  }

  @Test
  void testApply_emptyOutputsAndHookListsAreNoObstacle() throws IOException {
    write("outputs: []\nhooks: {beforeChange: [], afterTrustChange: [], afterCaChange: []}\n");

    CliResult run = run("apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  @Test
  void testApply_caCrlAndNameConstraintsFalseAreNoObstacle() throws IOException {
    write(
        "ca:\n  policy: {allowedDomains: [\"*.example.com\"]}\n  nameConstraints: false\n"
            + "  crl: {validity: 30d, url: \"http://pki.example.com/fleet.crl\"}\n"
            + "trust:\n  crls: []\n");

    CliResult run = run("apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  private void write(String trust) throws IOException {
    Files.writeString(dir.resolve("host.yaml"), HEAD + trust);
  }

  private CliResult run(String... args) {
    return Cli.in(dir).run(args);
  }
}
