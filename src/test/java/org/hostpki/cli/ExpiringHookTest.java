package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hostpki.host.HostIdentityProbe;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.IpAddresses;
import org.hostpki.pki.Certificate;

import org.hostpki.pki.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.hostpki.testkit.Cli;
import org.hostpki.testkit.CliResult;
import org.hostpki.testkit.TestCa;

/**
 * {@code hooks.onExpiring} through the CLI with a real hook script: it runs once per certificate
 * and threshold when nothing renews a certificate in time, is recorded and retried like every
 * hook, survives a new generation that keeps the certificate, is dropped with a renewed one, runs
 * on a refused renewal and a held one, and never on a clock apply refuses as wrong.
 */
class ExpiringHookTest {
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  private static final Map<String, String> ENV = Map.of("HOSTPKI_PASSWORD", "pw");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TestCa CA = TestCa.create(T0);
  /** Writes what it was told, one line a run; fails while the file {@code fail} exists. */
  private static final String HOOK =
      "  onExpiring: [[sh, -c, 'echo \"$HOSTPKI_HOOK $HOSTPKI_CERTIFICATE $HOSTPKI_WITHIN $HOSTPKI_NOT_AFTER"
          + " $HOSTPKI_FINGERPRINT [$HOSTPKI_CHANGED] $HOSTPKI_REASON\" >> expiring.log; test ! -e fail']]\n";

  @TempDir Path dir;
  private HostIdentityProbe probe = spec -> portal("192.0.2.10");

  private static HostIdentity portal(String address) {
    return new HostIdentity("portal", Optional.of("example.com"), List.of(IpAddresses.parse(address).orElseThrow()));
  }

  private CliResult hostpki(Instant now, String... args) {
    return Cli.in(dir).clock(Clock.fixed(now, ZoneOffset.UTC)).env(ENV).probe(probe).run(args);
  }

  private List<String> runs() throws IOException {
    Path log = dir.resolve("expiring.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private String current() throws IOException {
    return Files.readSymbolicLink(dir.resolve("pki/..data")).toString();
  }

  /** An external issuer whose CA signed a 30-day certificate at T0; onExpiring at 7d and 1d. */
  private Certificate importedThirtyDayCertificate(String extra) throws IOException {
    ExternalSetup.write(dir, "192.0.2.10", "none");
    Files.writeString(
        dir.resolve("host.yaml"),
        Files.readString(dir.resolve("host.yaml")) + "hooks:\n  timeout: 5s\n" + HOOK
            + "  onExpiringWithin: [7d, 1d]\n" + extra);
    assertThat(hostpki(T0, "apply", "-f", "host.yaml").exitCode()).isZero();
    Certificate leaf = deliver(T0, Duration.ofDays(30), true);
    CliResult imported = hostpki(T0, "apply", "-f", "host.yaml");
    assertThat(imported.exitCode()).as(imported.toString()).isZero();
    return leaf;
  }

  private Certificate deliver(Instant notBefore, Duration validity, boolean withIntermediate) throws IOException {
    Certificate leaf = CA.sign(Files.readAllBytes(dir.resolve("pki/server.csr")), notBefore, validity);
    Path chain = dir.resolve(ExternalSetup.CHAIN);
    Files.createDirectories(chain.getParent());
    Files.writeString(
        chain,
        Pem.certificates(withIntermediate ? List.of(leaf, CA.intermediate(), CA.root()) : List.of(leaf, CA.root())),
        StandardCharsets.US_ASCII);
    return leaf;
  }

  @Test
  void testOnExpiring_runsOncePerCertificateAndThresholdAcrossGenerationsThatKeepIt() throws IOException {
    Certificate leaf = importedThirtyDayCertificate("");

    CliResult early = hostpki(T0.plus(Duration.ofDays(20)), "apply", "-f", "host.yaml");
    CliResult plan = hostpki(T0.plus(Duration.ofDays(24)), "plan", "-f", "host.yaml", "--output", "json");
    CliResult seven = hostpki(T0.plus(Duration.ofDays(24)), "apply", "-f", "host.yaml");
    CliResult again = hostpki(T0.plus(Duration.ofDays(25)), "apply", "-f", "host.yaml");
    String before = current();
    // A new generation that keeps the certificate: a trusted certificate is added.
    Files.writeString(dir.resolve("root.pem"), CA.root().pem());
    Files.writeString(
        dir.resolve("host.yaml"),
        Files.readString(dir.resolve("host.yaml")) + "trust: {certificates: [{name: root, file: root.pem}]}\n");
    CliResult trust = hostpki(T0.plus(Duration.ofDays(25)), "apply", "-f", "host.yaml");
    CliResult one = hostpki(T0.plus(Duration.ofDays(29)).plus(Duration.ofHours(12)), "apply", "-f", "host.yaml");

    assertThat(early.out()).doesNotContain("Ran the hooks");
    JsonNode pending = JSON.readTree(plan.out()).get("hooks_pending").get(0);
    assertThat(pending.get("hook").asString()).isEqualTo("onExpiring");
    assertThat(pending.get("expiring").get("within").asString()).isEqualTo("7d");
    assertThat(pending.get("expiring").get("not_after").asString()).isEqualTo("2026-12-27T08:00:00Z");
    assertThat(seven.exitCode()).as(seven.toString()).isZero();
    assertThat(seven.out()).contains("Ran the hooks: onExpiring (server, within 7d).");
    assertThat(again.out()).doesNotContain("Ran the hooks");
    assertThat(trust.out()).contains("+ trust/root").doesNotContain("Ran the hooks");
    assertThat(current()).isNotEqualTo(before);
    assertThat(one.out()).contains("Ran the hooks: onExpiring (server, within 1d).");
    assertThat(runs())
        .containsExactly(
            "onExpiring server 7d 2026-12-27T08:00:00Z " + leaf.facts().fingerprint().hex()
                + " [] it was imported from another CA, which must sign its successor: no newer chain has"
                + " been imported from " + dir.resolve(ExternalSetup.CHAIN),
            "onExpiring server 1d 2026-12-27T08:00:00Z " + leaf.facts().fingerprint().hex()
                + " [] it was imported from another CA, which must sign its successor: no newer chain has"
                + " been imported from " + dir.resolve(ExternalSetup.CHAIN));
  }

  @Test
  void testOnExpiring_aFailureExits3StaysPendingInTheMetricsAndIsRetriedUntilItSucceeds() throws IOException {
    importedThirtyDayCertificate("metrics: {textfile: hostpki.prom}\n");
    Files.writeString(dir.resolve("fail"), "");
    String hooksPending = "hostpki_hooks_pending{store=\"" + dir.resolve("pki") + "\"} ";

    CliResult failed = hostpki(T0.plus(Duration.ofDays(24)), "apply", "-f", "host.yaml");
    String metricsAfterFailure = Files.readString(dir.resolve("hostpki.prom"));
    CliResult check = hostpki(T0.plus(Duration.ofDays(24)), "check", "-f", "host.yaml", "--warning", "1d");
    String metricsAfterCheck = Files.readString(dir.resolve("hostpki.prom"));
    Files.delete(dir.resolve("fail"));
    CliResult retried = hostpki(T0.plus(Duration.ofDays(24)).plus(Duration.ofMinutes(15)), "apply", "-f", "host.yaml");
    CliResult after = hostpki(T0.plus(Duration.ofDays(25)), "apply", "-f", "host.yaml");

    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.HOOK_FAILED);
    assertThat(failed.err()).contains("error: onExpiring (server, within 7d) hook [sh, -c, echo ", "exited with status 1");
    assertThat(metricsAfterFailure).contains(hooksPending + "1");
    assertThat(check.exitCode()).as(check.toString()).isEqualTo(ExitCodes.HOOK_FAILED);
    assertThat(check.out()).startsWith("WARNING: onExpiring (server, within 7d) hook pending since 2026-12-21 08:00 UTC: ");
    assertThat(metricsAfterCheck).as("the durable record, not the run").contains(hooksPending + "1");
    assertThat(retried.exitCode()).as(retried.toString()).isZero();
    assertThat(retried.out()).contains("Ran the hooks: onExpiring (server, within 7d).");
    assertThat(Files.readString(dir.resolve("hostpki.prom"))).contains(hooksPending + "0");
    assertThat(after.out()).doesNotContain("Ran the hooks");
    assertThat(runs()).hasSize(2);
  }

  @Test
  void testOnExpiring_aRenewedCertificateDropsThePendingObligation() throws IOException {
    importedThirtyDayCertificate("");
    Files.writeString(dir.resolve("fail"), "");
    assertThat(hostpki(T0.plus(Duration.ofDays(24)), "apply", "-f", "host.yaml").exitCode()).isEqualTo(ExitCodes.HOOK_FAILED);
    deliver(T0.plus(Duration.ofDays(24)), Duration.ofDays(30), true);

    CliResult renewed = hostpki(T0.plus(Duration.ofDays(24)).plus(Duration.ofHours(1)), "apply", "-f", "host.yaml");

    assertThat(renewed.exitCode()).as(renewed.toString()).isZero();
    assertThat(renewed.out()).contains("~ server ", "import the chain").doesNotContain("Ran the hooks");
    assertThat(runs()).hasSize(1);
    assertThat(dir.resolve("pki/" + current() + "/.hooks-due.json")).doesNotExist();
    assertThat(hostpki(T0.plus(Duration.ofDays(25)), "plan", "-f", "host.yaml").out()).doesNotContain("hooks pending");
  }

  @Test
  void testOnExpiring_aRefusedRenewalRunsItAndTheApplyStillFails() throws IOException {
    importedThirtyDayCertificate("");
    deliver(T0.plus(Duration.ofDays(23)), Duration.ofDays(30), false); // the intermediate is missing
    String before = current();

    CliResult refused = hostpki(T0.plus(Duration.ofDays(24)), "apply", "-f", "host.yaml");

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(refused.err())
        .contains("error: cannot import the chain in " + dir.resolve(ExternalSetup.CHAIN))
        .contains("  ran the onExpiring (server, within 7d) hook");
    assertThat(current()).isEqualTo(before);
    assertThat(runs()).singleElement().asString()
        .contains(" [] apply refuses to change the store (chain-refused): cannot import the chain in ");
  }

  @Test
  void testOnExpiring_aClockApplyRefusesAsBehindRunsNothing() throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\nserver: {validity: 6d}\nhooks:\n  timeout: 5s\n" + HOOK
            + "  onExpiringWithin: [7d]\n");
    assertThat(hostpki(T0, "apply", "-f", "host.yaml").exitCode()).isZero();

    CliResult behind = hostpki(T0.minus(Duration.ofHours(2)), "apply", "-f", "host.yaml");

    assertThat(behind.exitCode()).as(behind.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(behind.err()).contains("clock").doesNotContain("onExpiring");
    assertThat(runs()).isEmpty();
  }

  @Test
  void testOnExpiring_aRenewalARollbackHoldsBackRunsItForUnattendedRunsOnly() throws IOException {
    Files.writeString(
        dir.resolve("host.yaml"),
        "apiVersion: hostpki/v1\nstore: {path: pki}\nserver: {validity: 6d}\nhooks:\n  timeout: 5s\n" + HOOK);
    assertThat(hostpki(T0, "apply", "-f", "host.yaml").exitCode()).isZero();
    probe = spec -> portal("192.0.2.11");
    assertThat(hostpki(T0.plus(Duration.ofHours(1)), "apply", "-f", "host.yaml").exitCode()).isZero();
    assertThat(hostpki(T0.plus(Duration.ofHours(1)), "rollback", "-f", "host.yaml").exitCode()).isZero();

    // The first certificate, back in place and held, falls due on day 4 (a third of 6 days, less jitter).
    CliResult early = hostpki(T0.plus(Duration.ofDays(3)), "apply", "-f", "host.yaml", "--unattended");
    CliResult held = hostpki(T0.plus(Duration.ofDays(5)), "apply", "-f", "host.yaml", "--unattended");
    CliResult person = hostpki(T0.plus(Duration.ofDays(5)), "apply", "-f", "host.yaml");

    assertThat(early.out()).doesNotContain("Ran the hooks");
    assertThat(held.exitCode()).as(held.toString()).isZero();
    assertThat(held.out()).contains("Held by rollback", "Ran the hooks: onExpiring (server, within due).");
    assertThat(runs()).singleElement().asString()
        .startsWith("onExpiring server due ")
        .contains(" [] the store is held by the rollback at 2026-11-27 09:00 UTC: unattended runs leave it as"
            + " it is until a person runs hostpki apply");
    assertThat(person.out()).contains("Released the hold", "~ server ").doesNotContain("Ran the hooks: onExpiring");
  }
}
