package org.hostpki.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.DayOfWeek;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.Fingerprint;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.RenewalSpec;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {
  /** A Friday. */
  private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

  private static final BigInteger SERIAL = new BigInteger("5a17c0de", 16);
  private static final RenewalSpec NO_JITTER = new RenewalSpec(Percentage.ZERO, List.of());
  private static final MaintenanceWindow WEEKEND_NIGHTS =
      new MaintenanceWindow(
          EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(2, 0), LocalTime.of(5, 0), ZoneId.of("UTC"));

  private static RenewalPolicy policy(RenewBefore renewBefore, RenewalSpec renewal) {
    return new RenewalPolicy(renewBefore, renewal);
  }

  private static RenewalSchedule schedule(RenewBefore renewBefore, RenewalSpec renewal, CertificateFacts c) {
    return policy(renewBefore, renewal).schedule(c, Certificates.madeAt(c));
  }

  private static final RenewBefore THIRD = RenewBefore.of(Percentage.of(33));

  // --- the threshold

  @Test
  void testSchedule_aShareIsOfTheCertificatesOwnLifetime() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(398));

    RenewalSchedule s = schedule(THIRD, NO_JITTER, c);

    assertThat(s.period()).isEqualTo(Duration.ofSeconds(398L * 86400 * 33 / 100));
    assertThat(s.dueAt()).isEqualTo(c.notAfter().minus(s.period()));
  }

  @Test
  void testSchedule_aDurationIsTheSameForEveryLifetime() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(90));

    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofDays(30)), NO_JITTER, c);

    assertThat(s.dueAt()).isEqualTo(c.notAfter().minus(Duration.ofDays(30)));
  }

  @Test
  void testSchedule_aDurationNotShorterThanTheLifetimeCountsAsAThird() {
    // a 6-day certificate from another CA under a fixed 30 days would be due from its first run
    CertificateFacts c = Certificates.facts(SERIAL, T0, T0.plus(Duration.ofDays(6)));

    RenewalSchedule s = policy(RenewBefore.of(Duration.ofDays(30)), NO_JITTER).schedule(c, c.notBefore());

    assertThat(s.dueAt()).isEqualTo(T0.plus(Duration.ofDays(4)));
    assertThat(s.at(T0, false).rule()).isEqualTo("renewBefore 30d, not shorter than its lifetime of 6 days, so a third of it = 2 days");
  }

  @Test
  void testAt_beforeTheThresholdItIsScheduledAfterItDue() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(45));
    RenewalSchedule s = schedule(THIRD, NO_JITTER, c);

    assertThat(s.at(s.dueAt().minusSeconds(1), true).state()).isEqualTo(Renewal.State.SCHEDULED);
    assertThat(s.at(s.dueAt(), true).state()).isEqualTo(Renewal.State.DUE);
    assertThat(s.at(s.dueAt(), true).cause()).isEqualTo(Renewal.Cause.THRESHOLD);
  }

  @Test
  void testAt_aClockBehindTheCertificateNeverMakesItDue() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofHours(24));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofHours(23)), RenewalSpec.defaults(), c);

    for (boolean unattended : new boolean[] {true, false}) {
      assertThat(s.at(c.notBefore().minus(Duration.ofDays(1)), unattended).due()).isFalse();
      assertThat(s.at(c.notBefore().minusSeconds(1), unattended).due()).isFalse();
    }
  }

  // --- jitter

  @Test
  void testJitter_movesRenewalEarlierByAtMostItsShareOfRenewBefore() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(398));
    RenewalSchedule plain = schedule(THIRD, NO_JITTER, c);

    RenewalSchedule jittered = schedule(THIRD, RenewalSpec.defaults(), c);

    assertThat(jittered.dueAt())
        .isBefore(plain.dueAt())
        .isAfterOrEqualTo(plain.dueAt().minus(plain.period().dividedBy(10)));
  }

  @Test
  void testJitter_theSameCertificateAlwaysGetsTheSameTime() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(398));

    assertThat(schedule(THIRD, RenewalSpec.defaults(), c).dueAt())
        .isEqualTo(schedule(THIRD, RenewalSpec.defaults(), c).dueAt());
  }

  /**
   * Two hosts' CAs may both count serials from 1: what tells their certificates apart is the
   * certificate itself (its key), not the host's name, which is the placeholder localhost while a
   * machine is renamed and would move the renewal while it lasted.
   */
  @Test
  void testJitter_dependsOnTheCertificateItself() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(398));
    CertificateFacts sameSerial =
        Certificates.facts(
            Fingerprint.sha256("another key".getBytes(StandardCharsets.US_ASCII)), SERIAL, c.notBefore(), c.notAfter());

    assertThat(schedule(THIRD, RenewalSpec.defaults(), sameSerial).dueAt())
        .isNotEqualTo(schedule(THIRD, RenewalSpec.defaults(), c).dueAt());
  }

  @Test
  void testJitter_zeroTurnsItOff() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(398));

    RenewalSchedule s = schedule(THIRD, NO_JITTER, c);

    assertThat(s.dueAt()).isEqualTo(c.notAfter().minus(s.period()));
    assertThat(s.at(T0, true).rule()).isEqualTo("renewBefore 33% of 398 days = 131 days");
  }

  @Test
  void testJitter_neverMakesACertificateDueWhenItIsMade() {
    // 24h with 23h: the threshold is 1 hour after notBefore, the moment the certificate was made
    // (back-dated by 1 hour) plus 0; the largest jitter must not move it before that
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofHours(24).plusMinutes(10));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofHours(23)), new RenewalSpec(Percentage.of(50), List.of()), c);

    assertThat(s.dueAt()).isAfter(T0);
    assertThat(s.at(T0, false).due()).isFalse();
  }

  // --- windows

  @Test
  void testWindows_anUnattendedRunWaitsForTheNextWindow() {
    // due on a Monday: the renewal waits for Saturday 02:00 UTC (or a little later in it)
    CertificateFacts c = Certificates.facts(SERIAL, Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-12-30T00:00:00Z"));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofDays(30)), new RenewalSpec(Percentage.ZERO, List.of(WEEKEND_NIGHTS)), c);
    Instant monday = Instant.parse("2026-11-30T10:00:00Z");

    Renewal r = s.at(monday, true);

    assertThat(r.state()).isEqualTo(Renewal.State.WAITING);
    assertThat(r.due()).isFalse();
    assertThat(r.at()).isBetween(Instant.parse("2026-12-05T02:00:00Z"), Instant.parse("2026-12-05T03:30:00Z"));
    assertThat(r.waitingWords())
        .startsWith("renewal due since 2026-11-30 00:00 UTC (renewBefore 30d); waiting for the window Sat, Sun 02:00–05:00 UTC until 2026-12-05 0");
  }

  @Test
  void testWindows_insideTheWindowItIsDue() {
    CertificateFacts c = Certificates.facts(SERIAL, Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-12-30T00:00:00Z"));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofDays(30)), new RenewalSpec(Percentage.ZERO, List.of(WEEKEND_NIGHTS)), c);
    Instant from = s.at(Instant.parse("2026-11-30T10:00:00Z"), true).at();

    Renewal r = s.at(from.plusSeconds(60), true);

    assertThat(r.due()).isTrue();
    assertThat(r.cause()).isEqualTo(Renewal.Cause.WINDOW);
    assertThat(r.reasonWords()).endsWith("; in the window Sat, Sun 02:00–05:00 UTC");
    assertThat(s.at(Instant.parse("2026-12-05T05:00:00Z"), true).due()).as("the window has closed").isFalse();
  }

  @Test
  void testWindows_aPersonsApplyDoesNotWait() {
    CertificateFacts c = Certificates.facts(SERIAL, Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-12-30T00:00:00Z"));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofDays(30)), new RenewalSpec(Percentage.ZERO, List.of(WEEKEND_NIGHTS)), c);

    Renewal r = s.at(Instant.parse("2026-11-30T10:00:00Z"), false);

    assertThat(r.due()).isTrue();
    assertThat(r.reasonWords()).endsWith("; a person's apply does not wait for the window Sat, Sun 02:00–05:00 UTC");
  }

  @Test
  void testWindows_notDueYetItIsScheduledInTheFirstWindowAfterTheThreshold() {
    CertificateFacts c = Certificates.facts(SERIAL, Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-12-30T00:00:00Z"));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofDays(30)), new RenewalSpec(Percentage.ZERO, List.of(WEEKEND_NIGHTS)), c);

    Renewal r = s.at(T0, true);

    assertThat(r.state()).isEqualTo(Renewal.State.SCHEDULED);
    assertThat(r.cause()).isEqualTo(Renewal.Cause.WINDOW);
    assertThat(r.at()).isBetween(Instant.parse("2026-12-05T02:00:00Z"), Instant.parse("2026-12-05T03:30:00Z"));
    assertThat(r.summary(T0))
        .contains(" (in 7 days), in the window Sat, Sun 02:00–05:00 UTC; due 2026-11-30 00:00 UTC: renewBefore 30d");
  }

  @Test
  void testWindows_neverPastTheSafetyMarginThenAtOnceWithAWarning() {
    // renewBefore 2d on a 6-day certificate: the margin is 12 hours before expiry; no weekend in between
    CertificateFacts c = Certificates.facts(SERIAL, Instant.parse("2026-11-30T00:00:00Z"), Instant.parse("2026-12-05T00:00:00Z"));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofDays(2)), new RenewalSpec(Percentage.ZERO, List.of(WEEKEND_NIGHTS)), c);
    Instant latest = Instant.parse("2026-12-04T12:00:00Z");

    Renewal waiting = s.at(Instant.parse("2026-12-03T06:00:00Z"), true);
    Renewal atMargin = s.at(latest, true);

    assertThat(s.latest()).isEqualTo(latest);
    assertThat(waiting.state()).isEqualTo(Renewal.State.WAITING);
    assertThat(waiting.at()).isEqualTo(latest);
    assertThat(waiting.cause()).isEqualTo(Renewal.Cause.SAFETY_MARGIN);
    assertThat(atMargin.due()).isTrue();
    assertThat(atMargin.cause()).isEqualTo(Renewal.Cause.SAFETY_MARGIN);
    assertThat(atMargin.note())
        .contains("not waiting for the window Sat, Sun 02:00–05:00 UTC: the safety margin (12h before expiry) is reached");
  }

  @Test
  void testWindows_theSafetyMarginIsAtLeastAnHour() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofHours(6));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofHours(2)), new RenewalSpec(Percentage.ZERO, List.of(WEEKEND_NIGHTS)), c);

    assertThat(s.latest()).isEqualTo(c.notAfter().minus(Duration.ofHours(1)));
  }

  @Test
  void testWindows_inTheirOwnTimeZone() {
    MaintenanceWindow berlin =
        new MaintenanceWindow(EnumSet.of(DayOfWeek.SATURDAY), LocalTime.of(2, 0), LocalTime.of(5, 0), ZoneId.of("Europe/Berlin"));
    CertificateFacts c = Certificates.facts(SERIAL, Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-12-30T00:00:00Z"));
    RenewalSchedule s = schedule(RenewBefore.of(Duration.ofDays(30)), new RenewalSpec(Percentage.ZERO, List.of(berlin)), c);

    // 02:00 in Berlin in December is 01:00 UTC
    assertThat(s.at(T0, true).at()).isBetween(Instant.parse("2026-12-05T01:00:00Z"), Instant.parse("2026-12-05T02:30:00Z"));
  }

  // --- catching up

  @Test
  void testCatchUp_aRenewalMoreThanADayOverdueWaitsForTheHostsHour() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(398));
    RenewalSchedule s = schedule(THIRD, RenewalSpec.defaults(), c);
    Instant overdue = s.dueAt().plus(Duration.ofDays(30));

    List<Renewal> day = new java.util.ArrayList<>();
    for (int minute = 0; minute < 24 * 60; minute += 5) {
      day.add(s.at(overdue.plus(Duration.ofMinutes(minute)), true));
    }

    assertThat(s.at(s.dueAt().plus(Duration.ofHours(23)), true).due()).as("a day overdue: at once").isTrue();
    assertThat(day).filteredOn(Renewal::due).isNotEmpty().hasSizeLessThanOrEqualTo(12).allSatisfy(
        r -> assertThat(r.cause()).isEqualTo(Renewal.Cause.CATCH_UP));
    assertThat(day).filteredOn(r -> !r.due()).allSatisfy(r -> {
      assertThat(r.state()).isEqualTo(Renewal.State.WAITING);
      assertThat(r.waitingFor().orElseThrow()).startsWith("this host's catch-up hour ");
    });
    assertThat(s.at(overdue, false).due()).as("a person's apply").isTrue();
  }

  // --- a window the CA suggests

  @Test
  void testSuggestedWindow_replacesTheThresholdAndOnceItHasPassedRenewsAtOnce() {
    CertificateFacts c = Certificates.facts(SERIAL, T0, T0.plus(Duration.ofDays(90)));
    SuggestedWindow ari = new SuggestedWindow(T0.plus(Duration.ofDays(40)), T0.plus(Duration.ofDays(42)));

    RenewalSchedule s = policy(THIRD, RenewalSpec.defaults()).schedule(c, T0, Optional.of(ari));

    assertThat(s.dueAt()).isBetween(ari.start(), ari.end());
    assertThat(s.latest()).isEqualTo(ari.end());
    assertThat(s.at(ari.start().minusSeconds(1), true).due()).isFalse();
    assertThat(s.at(ari.end(), true).due()).isTrue();
    assertThat(s.at(ari.end(), true).reasonWords()).contains("inside the renewal window its CA suggests");
  }

  @Test
  void testSuggestedWindow_andAMaintenanceWindowRenewInsideBoth() {
    CertificateFacts c = Certificates.facts(SERIAL, T0, T0.plus(Duration.ofDays(90)));
    // Monday to Thursday: the weekend nights are not in it, so it waits until its end
    SuggestedWindow ari = new SuggestedWindow(Instant.parse("2026-12-28T00:00:00Z"), Instant.parse("2026-12-31T00:00:00Z"));
    RenewalSchedule s =
        policy(THIRD, new RenewalSpec(Percentage.ZERO, List.of(WEEKEND_NIGHTS))).schedule(c, T0, Optional.of(ari));

    Renewal r = s.at(ari.start(), true);

    assertThat(r.at()).isEqualTo(ari.end());
    assertThat(r.cause()).isEqualTo(Renewal.Cause.SAFETY_MARGIN);
  }

  // --- words

  @Test
  void testWords_hoursAndMinutesBelowTwoDays() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofHours(36));
    RenewalSchedule s = schedule(THIRD, NO_JITTER, c);

    assertThat(s.at(T0, false).rule()).isEqualTo("renewBefore 33% of 1d 12h = 11h 52m");
    assertThat(s.at(T0, false).summary(T0)).startsWith("2026-11-28 07:22 UTC (in 23h 22m): ");
  }

  @Test
  void testExpiresWithin_onlyWhenARenewalWasDue() {
    CertificateFacts c = Certificates.issued(SERIAL, T0, Duration.ofDays(90));
    RenewalSchedule s = schedule(THIRD, NO_JITTER, c);
    Instant nearEnd = c.notAfter().minus(Duration.ofDays(3));

    assertThat(s.at(nearEnd, true).expiresWithin(Duration.ofDays(7), nearEnd)).isTrue();
    assertThat(s.at(T0, true).expiresWithin(Duration.ofDays(7), T0)).isFalse();
  }
}
