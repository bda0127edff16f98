package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import org.hostpki.testkit.Tags;

/**
 * acme4j's start-up cost stays off runs that do not order: a plan in a fresh JVM, watched with
 * {@code -verbose:class}, loads no acme4j, jose4j or hostpki ACME class with the internal and the
 * external issuer.
 */
@Tag(Tags.SLOW)
class AcmeClassLoadingTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"internal", "external"})
  void testPlan_loadsNoAcmeClass(String issuer) throws Exception {
    Path file = dir.resolve("host.yaml");
    String server =
        issuer.equals("external")
            ? "server:\n  issuer: external\n  dnsNames: [portal.example.com]\n  external: {chain: incoming/chain.pem}\n"
            : "server:\n  dnsNames: [portal.example.com]\n";
    Files.writeString(
        file, "apiVersion: hostpki/v1\nstore:\n  path: pki\nhost: {detect: false, hostname: portal, domain: example.com,"
            + " addresses: [192.0.2.10]}\n" + server);
    Path out = dir.resolve("classes.log");
    Process jvm =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-verbose:class", "-Xshare:off",
                    "-cp", System.getProperty("java.class.path"), "org.hostpki.cli.Main", "plan", "-f", file.toString()))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();

    String log = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(log).contains("org.hostpki.plan.Planner");
    assertThat(log).doesNotContain("org.shredzone.").doesNotContain("org.jose4j.").doesNotContain("org.hostpki.acme.");
    assertThat(jvm.exitValue()).isEqualTo(0);
  }
}
