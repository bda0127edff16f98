package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpAddresses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;

/**
 * Renewal as people and monitoring see it: plan and status with a maintenance window, a person's
 * apply that does not wait, a saved plan that does, and the metrics file after every apply.
 */
class RenewalCommandsTest {
  private static final Instant ISSUED = Instant.parse("2026-11-27T08:00:00Z");
  /** The 6-day certificate is due on Tuesday between 02:44 and 07:29 (jitter); the window is at noon. */
  private static final Instant DUE_BEFORE_THE_WINDOW = Instant.parse("2026-12-01T09:00:00Z");

  private static final HostIdentityProbe PROBE =
      spec -> new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse("192.0.2.10").orElseThrow()));

  @TempDir Path dir;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(dir.resolve("metrics"));
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\nserver: {validity: 6d}\n"
            + "renewal:\n  windows: [{start: \"12:00\", end: \"15:00\", timeZone: UTC}]\n"
            + "metrics: {textfile: metrics/hostpki.prom}\n");
    assertThat(hostpki(ISSUED, "apply", "-f", "host.yaml").exitCode()).isZero();
  }

  private CliResult hostpki(Instant now, String... args) {
    return Cli.in(dir).clock(Clock.fixed(now, ZoneOffset.UTC)).env(Map.of()).probe(PROBE).run(args);
  }

  private byte[] serverCertificate() throws IOException {
    return Files.readAllBytes(dir.resolve("pki/server.crt"));
  }

  private String metrics() throws IOException {
    return Files.readString(dir.resolve("metrics/hostpki.prom"));
  }

  @Test
  void testPlan_aRenewalWaitingForTheWindowIsNoPendingChange() {
    CliResult run = hostpki(DUE_BEFORE_THE_WINDOW, "plan", "-f", "host.yaml", "--detailed-exitcode");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out())
        .contains("No changes")
        .contains("warning: server: renewal due since 2026-12-01 0")
        .contains("; waiting for the window daily 12:00–15:00 UTC until 2026-12-01 1")
        .contains("a plain 'hostpki apply' renews it now");
  }

  @Test
  void testApply_aPersonsApplyRenewsAtOnceAndSaysTheWindowWasNotWaitedFor() throws IOException {
    byte[] before = serverCertificate();

    CliResult check = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml", "--check");
    CliResult apply = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml");

    assertThat(check.exitCode()).as(check.toString()).isEqualTo(ExitCodes.CHANGES_PENDING);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out())
        .contains("~ server ", "renewal due since 2026-12-01 0", "a person's apply does not wait for the window daily 12:00–15:00 UTC");
    assertThat(serverCertificate()).isNotEqualTo(before);
  }

  @Test
  void testApply_anUnattendedApplyAndItsCheckWaitForTheWindow() throws IOException {
    byte[] before = serverCertificate();

    CliResult check = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml", "--check", "--unattended");
    CliResult apply = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml", "--unattended");
    CliResult inWindow = hostpki(DUE_BEFORE_THE_WINDOW.plusSeconds(4 * 3600 + 1800), "apply", "-f", "host.yaml", "--unattended");

    assertThat(check.exitCode()).as(check.toString()).isEqualTo(ExitCodes.OK);
    assertThat(check.out()).contains("waiting for the window daily 12:00–15:00 UTC until 2026-12-01 1", "No changes");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("No changes");
    assertThat(inWindow.out()).contains("~ server ", "; in the window daily 12:00–15:00 UTC");
    assertThat(serverCertificate()).isNotEqualTo(before);
  }

  @Test
  void testApply_aSavedPlanIsAppliedAsPlanShowedItWaiting() throws IOException {
    byte[] before = serverCertificate();
    assertThat(hostpki(DUE_BEFORE_THE_WINDOW, "plan", "-f", "host.yaml", "--out", "plan.json").exitCode()).isZero();

    CliResult run = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml", "--plan", "plan.json");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(serverCertificate()).isEqualTo(before);
  }

  @Test
  void testStatus_everyCertificateSaysWhenItIsRenewedAndWhy() {
    // A certificate's jitter, a fraction of its random fingerprint's hash, is under a minute now
    // and then (the CA's: 1 run in 13,000), and then not said (RenewalSchedule).
    CliResult text = hostpki(ISSUED, "status", "-f", "host.yaml");
    CliResult waiting = hostpki(DUE_BEFORE_THE_WINDOW, "status", "-f", "host.yaml");

    assertThat(text.out())
        .containsPattern("\\n {9}renewal 2036-\\d\\d-\\d\\d 1[2-4]:\\d\\d UTC \\(in \\d+ days\\), in the window daily 12:00–15:00 UTC; due .*: renewBefore 90d(, .+ earlier by jitter)?\\n")
        .containsPattern("\\n {9}renewal 2026-12-01 1[2-4]:\\d\\d UTC \\(in 4 days\\), in the window daily 12:00–15:00 UTC; due 2026-12-01 0.*: renewBefore 33% of 6 days = 1d 23h 31m(, .+ earlier by jitter)?\\n");
    assertThat(waiting.out())
        .contains("Drift    none")
        .containsPattern("renewal due since 2026-12-01 0.*; waiting for the window daily 12:00–15:00 UTC until 2026-12-01 1.* \\(in [2-5]h");
  }

  @Test
  void testStatusJson_theRenewalOfEachCertificate() {
    CliResult run = hostpki(DUE_BEFORE_THE_WINDOW, "status", "-f", "host.yaml", "--output", "json");

    JsonNode status = org.hostpki.json.OutputSchemas.valid("status.schema.json", run.out());
    JsonNode server = status.get("server").get("renewal");
    JsonNode ca = status.get("ca").get("renewal");
    assertThat(server.get("state").asString()).isEqualTo("waiting");
    assertThat(server.get("cause").asString()).isEqualTo("window");
    assertThat(server.get("window").asString()).isEqualTo("the window daily 12:00–15:00 UTC");
    assertThat(Instant.parse(server.get("at").asString())).isBetween(
        Instant.parse("2026-12-01T12:00:00Z"), Instant.parse("2026-12-01T13:30:00Z"));
    assertThat(Instant.parse(server.get("due_at").asString())).isBefore(DUE_BEFORE_THE_WINDOW);
    assertThat(ca.get("state").asString()).isEqualTo("scheduled");
    assertThat(ca.get("summary").asString()).contains("renewBefore 90d");
  }

  @Test
  void testMetrics_everyApplyWritesTheFile() throws IOException {
    String first = metrics();
    hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml");

    assertThat(first)
        .contains("hostpki_last_apply_success{store=\"" + dir.resolve("pki") + "\"} 1")
        .contains("hostpki_last_apply_changes{store=\"" + dir.resolve("pki") + "\"} 4");
    assertThat(metrics())
        .contains("hostpki_last_apply_timestamp_seconds{store=\"" + dir.resolve("pki") + "\"} " + DUE_BEFORE_THE_WINDOW.getEpochSecond())
        .contains("hostpki_certificate_renewal_due{store=\"" + dir.resolve("pki") + "\",certificate=\"server\"} 0");
    assertThat(Files.getPosixFilePermissions(dir.resolve("metrics/hostpki.prom")))
        .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    try (var files = Files.list(dir.resolve("metrics"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("hostpki.prom");
    }
  }

  @Test
  void testMetrics_aFailedApplyIsRecordedWithTheStoreAsItIs() throws IOException {
    // a trust folder that is not there: apply refuses, the store stays as it was
    Files.writeString(dir.resolve("host.yaml"), Files.readString(dir.resolve("host.yaml")) + "trust: {directories: [missing.d]}\n");

    CliResult run = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(metrics())
        .contains("hostpki_last_apply_success{store=\"" + dir.resolve("pki") + "\"} 0")
        .contains("hostpki_last_apply_timestamp_seconds{store=\"" + dir.resolve("pki") + "\"} " + DUE_BEFORE_THE_WINDOW.getEpochSecond());
  }

  @Test
  void testMetrics_aFolderThatCannotBeWrittenIsAWarningNotAFailedApply() throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        Files.readString(dir.resolve("host.yaml")).replace("metrics/hostpki.prom", "gone/hostpki.prom"));

    CliResult run = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err())
        .contains("warning: the metrics file was not written: ")
        .contains(dir.resolve("gone/hostpki.prom").toString())
        .contains("does not exist");
  }

  @Test
  void testMetrics_neverWrittenIntoAStoreThroughALink() throws IOException {
    Files.createSymbolicLink(dir.resolve("into-the-store"), dir.resolve("pki/..data"));
    Files.writeString(
        dir.resolve("host.yaml"),
        Files.readString(dir.resolve("host.yaml")).replace("metrics/hostpki.prom", "into-the-store/hostpki.prom"));

    CliResult run = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).contains("warning: the metrics file was not written: ").contains("hostpki store");
    assertThat(dir.resolve("pki/..data/hostpki.prom")).doesNotExist();
    assertThat(hostpki(DUE_BEFORE_THE_WINDOW, "status", "-f", "host.yaml").exitCode()).isZero();
  }

  @Test
  void testMetrics_aFifoInItsPlaceIsAWarningAndNeverBlocks() throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("metrics"));
    Files.deleteIfExists(dir.resolve("metrics/hostpki.prom"));
    assertThat(new ProcessBuilder("mkfifo", dir.resolve("metrics/hostpki.prom").toString()).start().waitFor()).isZero();

    CliResult run = hostpki(DUE_BEFORE_THE_WINDOW, "apply", "-f", "host.yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err())
        .contains("warning: the metrics file was not written: ")
        .contains("FIFO (named pipe), not a regular file")
        .doesNotContain("give - as the file name");
  }
}
