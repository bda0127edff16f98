package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * status over a Java target holding many trusted certificates (the upgrade trial's 1,000 made its
 * Install line some 45,000 characters long): the text names the first ones and counts the rest,
 * the JSON lists them all.
 */
class StatusInstallEntriesTest {
  @TempDir Path dir;

  @Test
  void testStatus_manyEntriesInOneTarget_showsTheFirstAndCountsTheRest() throws Exception {
    Path cacerts = dir.resolve("cacerts");
    KeyStore javaTrust = KeyStore.getInstance("PKCS12");
    javaTrust.load(null, null);
    try (var out = Files.newOutputStream(cacerts)) { javaTrust.store(out, "changeit".toCharArray()); }
    Path trusted = Files.createDirectories(dir.resolve("trusted.d"));
    for (int i = 1; i <= 20; i++) {
      Files.writeString(trusted.resolve("r" + i + ".pem"), TestCa.selfSignedRoot("Trial Root " + i).pem());
    }
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\n"
            + "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}\n"
            + "trust:\n  directories: [trusted.d]\n  install:\n    certificates: [ca, trusted]\n"
            + "    java: [" + cacerts + "]\n");
    Cli hostpki = Cli.in(dir);
    hostpki.run("apply", "-f", "host.yaml").assertExitCode(0);

    CliResult status = hostpki.run("status", "-f", "host.yaml");
    CliResult json = hostpki.run("status", "-f", "host.yaml", "--output", "json");

    String line = status.out().lines().filter(l -> l.startsWith("Install  java:")).findFirst().orElseThrow();
    assertThat(line).as(status.toString())
        .endsWith(", and 5 more (--output json lists all)")
        .hasLineCount(1);
    assertThat(line.split("hostpki-", -1)).hasSize(StatusCommand.SHOWN_ENTRIES + 1);
    assertThat(json.out().split("\"sha256\"", -1)).hasSizeGreaterThan(21);
  }
}
