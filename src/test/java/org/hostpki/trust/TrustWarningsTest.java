package org.hostpki.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.trust.TrustCertificates.NOW;
import static org.hostpki.trust.TrustCertificates.expiringAt;
import static org.hostpki.trust.TrustCertificates.root;
import static org.hostpki.trust.TrustCertificates.writePem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.hostpki.pki.Certificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Warnings about trusted certificates — expired, expiring within 30 days, trusted twice — in the
 * text and JSON plan, judged by the injected clock. They never stop an apply.
 */
class TrustWarningsTest {
  @TempDir Path dir;
  private TrustWorkspace ws;

  @BeforeEach
  void setUp() throws IOException {
    ws = new TrustWorkspace(dir);
    ws.desired("directories: [trusted.d]");
  }

  private void trust(String name, Certificate certificate) throws IOException {
    writePem(dir.resolve("trusted.d/" + name + ".pem"), certificate);
  }

  private static JsonNode json(TrustWorkspace.Run run) {
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return JsonMapper.shared().readTree(run.out());
  }

  @Test
  void testPlan_expiredCertificateIsWarnedAboutWithNameAndDate() throws IOException {
    trust("old-bmc", expiringAt("Old BMC", Instant.parse("2026-11-20T06:30:00Z")));

    TrustWorkspace.Run plan = ws.plan();

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out())
        .contains("warning: trusted certificate 'old-bmc' expired on 2026-11-20 06:30 UTC\n");
  }

  @Test
  void testPlan_certificateExpiringWithin30DaysIsWarnedAboutWithDaysLeft() throws IOException {
    trust("partner", expiringAt("Partner", NOW.plus(Duration.ofDays(20))));

    TrustWorkspace.Run plan = ws.plan();

    assertThat(plan.out())
        .contains("warning: trusted certificate 'partner' expires on 2026-12-17 08:00 UTC (in 20 days)\n");
  }

  @Test
  void testPlan_exactly30DaysLeftIsWarnedAbout31AreNot() throws IOException {
    trust("edge", expiringAt("Edge", NOW.plus(Duration.ofDays(30))));
    trust("fine", expiringAt("Fine", NOW.plus(Duration.ofDays(31))));

    TrustWorkspace.Run plan = ws.plan();

    assertThat(plan.out()).contains("'edge' expires on").doesNotContain("'fine'");
  }

  @Test
  void testPlan_jsonHasTheWarningsWithCodeSubjectAndMessage() throws IOException {
    trust("dead", expiringAt("Dead", NOW.minus(Duration.ofDays(3))));
    trust("soon", expiringAt("Soon", NOW.plus(Duration.ofDays(5))));

    JsonNode warnings = json(ws.plan("--output", "json")).get("warnings");

    assertThat(warnings.values())
        .extracting(w -> w.get("code").asString() + " " + w.get("subject").asString())
        .containsExactly("trust-expired trust/dead", "trust-expiring trust/soon");
    assertThat(warnings.get(0).get("message").asString()).contains("'dead' expired on 2026-11-24 08:00 UTC");
    assertThat(warnings.get(1).get("message").asString()).contains("'soon' expires on 2026-12-02 08:00 UTC (in 5 days)");
  }

  @Test
  void testApply_jsonPlanOfAnApplyCarriesTheWarningsAndTheCertificateIsStillTrusted() throws IOException {
    Certificate dead = expiringAt("Dead", NOW.minus(Duration.ofDays(3)));
    trust("dead", dead);

    JsonNode result = json(ws.apply("--output", "json"));

    assertThat(result.get("plan").get("warnings").values())
        .extracting(w -> w.get("code").asString())
        .containsExactly("trust-expired");
    assertThat(ws.readText("trust/dead.crt")).isEqualTo(dead.pem());
  }

  @Test
  void testPlan_clockMovingForwardTurnsAConvergedStoreIntoAWarningWithoutChanges() throws IOException {
    trust("partner", expiringAt("Partner", NOW.plus(Duration.ofDays(100))));
    assertThat(ws.apply().exitCode()).isZero();
    assertThat(ws.plan().out()).doesNotContain("warning:");
    ws.clock = Clock.offset(ws.clock, Duration.ofDays(80));

    TrustWorkspace.Run plan = ws.plan("--detailed-exitcode");

    assertThat(plan.exitCode()).as("no changes, only a warning").isZero();
    assertThat(plan.out()).contains("'partner' expires on 2027-03-07 08:00 UTC (in 20 days)");
  }

  @Test
  void testPlan_sameCertificateUnderTwoNamesIsWarnedAbout() throws IOException {
    Certificate twin = root("Twin Root");
    trust("twin-a", twin);
    trust("twin-b", twin);

    TrustWorkspace.Run plan = ws.plan("--output", "json");

    JsonNode warning = json(plan).get("warnings").get(0);
    assertThat(warning.get("code").asString()).isEqualTo("trust-duplicate");
    assertThat(warning.get("message").asString())
        .contains("the same certificate is trusted under several names: twin-a, twin-b");
  }

  @Test
  void testStatus_showsTheWarnings() throws IOException {
    trust("soon", expiringAt("Soon", NOW.plus(Duration.ofDays(5))));
    assertThat(ws.apply().exitCode()).isZero();

    TrustWorkspace.Run status = ws.status();

    assertThat(status.out()).contains("warning: trusted certificate 'soon' expires on");
  }

  @Test
  void testPlan_expiringUnmanagedEntryKeptWithPruneOffIsWarnedAbout() throws IOException {
    ws.desired("prune: false", "directories: [trusted.d]");
    trust("soon", expiringAt("Soon", NOW.plus(Duration.ofDays(100))));
    assertThat(ws.apply().exitCode()).isZero();
    Files.delete(dir.resolve("trusted.d/soon.pem"));
    ws.clock = Clock.offset(ws.clock, Duration.ofDays(90));

    TrustWorkspace.Run plan = ws.plan();

    assertThat(plan.out()).contains("'soon' expires on");
  }

  @Test
  void testPlan_noWarningsForCertificatesValidLongEnough() throws IOException {
    trust("fine", root("Fine Root"));

    assertThat(json(ws.plan("--output", "json")).get("warnings").isEmpty()).isTrue();
  }
}
