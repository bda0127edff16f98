package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.hostpki.model.Backdate;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.Pem;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificates of a day or an hour converge in one apply: the set-back of notBefore shrinks with
 * the validity, so a new certificate is not already within its renewBefore (found: {@code server:
 * {validity: 24h, renewBefore: 23h}} re-issued at every apply and failed "did not converge").
 */
class ShortLivedCertificatesTest {
  private static final Map<String, String> ENV = Map.of();
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

  @TempDir Path dir;

  static Stream<Arguments> lifetimes() {
    return Stream.of(
        Arguments.of("server 24h, renewBefore 23h", "{}", "{validity: 24h, renewBefore: 23h}"),
        Arguments.of("CA 40d, renewBefore P39DT22H", "{validity: 40d, renewBefore: P39DT22H}", "{validity: 30d, renewBefore: 20d}"),
        Arguments.of("server 1h, renewBefore 30m", "{validity: 2h, renewBefore: 1h}", "{validity: 1h, renewBefore: 30m}"),
        Arguments.of("server 1h, renewBefore 57m", "{}", "{validity: 1h, renewBefore: 57m}"),
        Arguments.of("server 48h, renewBefore 46h58m", "{}", "{validity: 48h, renewBefore: PT46H58M}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lifetimes")
  void testApply_convergesInOneApplyAndTheNextChangesNothing(String name, String ca, String server)
      throws IOException {
    writeDesired(ca, server);

    CliResult first = hostpki(T0, "apply", "-f", "host.yaml");
    CliResult again = hostpki(T0.plusSeconds(30), "plan", "-f", "host.yaml", "--detailed-exitcode");

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.err()).as(first.toString()).doesNotContain("did not converge");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("No changes");
  }

  @Test
  void testIssuer_setsAShortCertificateBackByA48thOfItsValidity() throws Exception {
    writeDesired("{}", "{validity: 1h, renewBefore: 30m}");

    assertThat(hostpki(T0, "apply", "-f", "host.yaml").exitCode()).isZero();

    Certificate server = Pem.readCertificates(Files.readAllBytes(dir.resolve("pki/server.crt")), 1).get(0);
    assertThat(server.facts().notBefore()).isEqualTo(T0.minusSeconds(75));
    assertThat(server.facts().notAfter()).isEqualTo(T0.minusSeconds(75).plus(Duration.ofHours(1)));
    assertThat(Backdate.of(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(75));
  }

  @Test
  void testExpiryWithinTwoDays_isCountedInHoursAndMinutesInPlanAndStatus() throws IOException {
    writeDesired("{}", "{validity: 24h, renewBefore: 23h}");
    assertThat(hostpki(T0, "apply", "-f", "host.yaml").exitCode()).isZero();
    // notAfter is T0 - 30m + 24h: at T0 + 31m, 22h 59m are left.
    Instant later = T0.plus(Duration.ofMinutes(31));

    CliResult plan = hostpki(later, "plan", "-f", "host.yaml");
    CliResult status = hostpki(later, "status", "-f", "host.yaml");

    assertThat(plan.out())
        .as(plan.toString())
        .contains("~ server", "(in 22h 59m); renewal due since ", ": renewBefore 23h")
        .doesNotContainPattern("\\b0 days|\\b0d\\b");
    // \b: the CA's renewal is "in 3550 days" when its random key gives it 9 days of jitter
    assertThat(status.out()).as(status.toString()).contains("(22h 59m left)").doesNotContainPattern("\\b0 days");
  }

  @Test
  void testExpiryInLessThanAMinute_saysSo() throws IOException {
    writeDesired("{}", "{validity: 24h, renewBefore: 23h}");
    assertThat(hostpki(T0, "apply", "-f", "host.yaml").exitCode()).isZero();

    CliResult status = hostpki(T0.plus(Duration.ofMinutes(23 * 60 + 29)).plusSeconds(30), "status", "-f", "host.yaml");

    assertThat(status.out()).as(status.toString()).contains("(less than a minute left)");
  }

  private void writeDesired(String ca, String server) throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        String.join(
            "\n",
            "apiVersion: hostpki/v1",
            "store: {path: pki}",
            "host: {detect: false, hostname: portal, domain: example.com, addresses: [192.0.2.10]}",
            "ca: " + ca,
            "server: " + server,
            ""));
  }

  private CliResult hostpki(Instant now, String... args) {
    return Cli.in(dir).clock(Clock.fixed(now, ZoneOffset.UTC)).env(ENV).run(args);
  }
}
