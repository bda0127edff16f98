package org.hostpki.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hostpki.plan.Fixtures.NOW;
import static org.hostpki.plan.Fixtures.converged;
import static org.hostpki.plan.Fixtures.desired;
import static org.hostpki.plan.Fixtures.host;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CaSpec;
import org.hostpki.model.DesiredState;
import org.hostpki.model.HostIdentity;
import org.hostpki.model.KeySpec;
import org.hostpki.model.Subject;
import org.hostpki.pki.Certificate;
import org.hostpki.pki.CertificateIssuer;
import org.hostpki.pki.KeyMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class RotationScheduleTest {
  private static final Instant T1 = NOW.plus(Duration.ofDays(3));
  private final HostIdentity portal = host("portal", "example.com", "192.0.2.10");

  private static DesiredState withOverlap(Optional<Duration> overlap) {
    CaSpec ca = desired().ca();
    return Fixtures.withCa(
        desired(), new CaSpec(ca.subject(), ca.key(), ca.validity(), ca.renewBefore(), overlap, ca.policy()));
  }

  @Test
  void testOf_noRotationHasNoDates() {
    DesiredState d = withOverlap(Optional.of(Duration.ofDays(7)));

    assertThat(RotationSchedule.of(d.ca(), converged(d, portal).observed()))
        .isEqualTo(new RotationSchedule(Optional.empty(), Optional.empty(), Optional.empty()));
  }

  @Test
  void testOf_aPendingNextCaMovesTheServerOneOverlapAfterItWasMade() {
    DesiredState d = withOverlap(Optional.of(Duration.ofDays(7)));
    Fixtures.Store s = Fixtures.rotating(converged(d, portal), d, portal, T1);

    RotationSchedule schedule = RotationSchedule.of(d.ca(), s.observed());

    assertThat(schedule.nextMadeAt()).contains(T1);
    assertThat(schedule.serverMovesOn()).contains(T1.plus(Duration.ofDays(7)));
    assertThat(schedule.previousTrustedUntil()).isEmpty();
  }

  @Test
  void testOf_thePreviousCaIsTrustedUntilTwoOverlapsAfterTheCurrentWasMade() {
    DesiredState d = withOverlap(Optional.of(Duration.ofDays(7)));
    Fixtures.Store s = Fixtures.rotating(converged(d, portal), d, portal, T1);
    Fixtures.moved(s, d, portal, T1.plus(Duration.ofDays(8)));

    assertThat(RotationSchedule.of(d.ca(), s.observed()).previousTrustedUntil())
        .contains(T1.plus(Duration.ofDays(14)));
  }

  @Test
  void testOf_withoutOverlapThereIsNoMoveDate() {
    DesiredState d = withOverlap(Optional.empty());
    Fixtures.Store s = Fixtures.rotating(converged(d, portal), d, portal, T1);

    RotationSchedule schedule = RotationSchedule.of(d.ca(), s.observed());

    assertThat(schedule.nextMadeAt()).contains(T1);
    assertThat(schedule.serverMovesOn()).isEmpty();
  }

  @Test
  void testMadeAt_isNotBeforePlusTheIssuersSetBack() {
    Instant made = Instant.parse("2026-06-01T12:00:00Z");
    for (Duration validity : List.of(Duration.ofDays(3650), Duration.ofDays(40), Duration.ofHours(24), Duration.ofHours(1))) {
      Certificate ca =
          new CertificateIssuer(new SecureRandom())
              .selfSignedCa(
                  Subject.commonName("Made CA"),
                  KeyMaterial.generate(KeySpec.defaultSpec(), new SecureRandom()),
                  made,
                  validity);

      assertThat(ca.facts().madeAt()).as(validity.toString()).isEqualTo(made);
    }
  }
}
