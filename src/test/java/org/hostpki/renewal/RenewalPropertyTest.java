package org.hostpki.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.hostpki.model.Backdate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.RenewalSpec;
import org.junit.jupiter.api.Test;

/**
 * The renewal rules over certificate lifetimes from one hour to ten years, any renewBefore (a
 * share, or a duration — also one longer than the lifetime), any jitter and up to two random
 * windows in assorted time zones. A host is simulated by following the policy's own "next time":
 * it runs exactly when the policy says something happens, which is when a real timer would first
 * see it. The cases come from fixed seeds (see {@link #cases}), so every run checks the same ones.
 *
 * <p>Written with plain JUnit rather than jqwik: jqwik 1.10's "Anti-AI Usage Clause" asks that it
 * not be used by AI coding agents, and this code base is written with them.
 */
class RenewalPropertyTest {
  private static final Instant EARLIEST = Instant.parse("2020-01-01T00:00:00Z");
  private static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
          ZoneId.of("Asia/Kolkata"), ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Pacific/Chatham"));

  /** One host's certificate and renewal settings. */
  record Case(
      Duration lifetime,
      RenewBefore renewBefore,
      RenewalSpec renewal,
      BigInteger serial,
      String host,
      Instant issued,
      boolean unattended) {

    /** How far the issuer back-dates: an hour, a 48th of a certificate shorter than two days. */
    Duration backdate() {
      return Backdate.of(lifetime);
    }

    CertificateFacts certificate() {
      return certificate(serial, issued);
    }

    CertificateFacts certificate(BigInteger serialNumber, Instant at) {
      Instant notBefore = at.minus(backdate());
      return Certificates.facts(serialNumber, notBefore, notBefore.plus(lifetime));
    }

    RenewalSchedule schedule(CertificateFacts c) {
      return new RenewalPolicy(renewBefore, renewal)
          .schedule(c, c.notBefore().plus(backdate()));
    }

    /**
     * Whether the threshold leaves a minute after issue, as validation makes sure for what hostpki
     * issues (CertificateParts' "leaves no time" rule).
     */
    boolean leavesTime() {
      Duration period = renewBefore.period(lifetime);
      if (period.compareTo(RenewalPolicy.MINIMUM_PERIOD) < 0) {
        period = RenewalPolicy.MINIMUM_PERIOD;
      }
      if (period.compareTo(lifetime) >= 0) {
        period = lifetime.dividedBy(3);
      }
      return period.plusMinutes(1).compareTo(Backdate.usable(lifetime)) <= 0;
    }
  }

  /** A renewBefore before it meets a lifetime: a share, or a multiple of the lifetime (up to twice it). */
  private record Threshold(boolean relative, int hundredths, double ofLifetime) {
    RenewBefore of(Duration lifetime) {
      return relative
          ? RenewBefore.of(new Percentage(hundredths))
          : RenewBefore.of(Duration.ofSeconds(Math.max(1, (long) (lifetime.getSeconds() * ofLifetime))));
    }
  }

  /**
   * {@code count} random cases from {@code seed} that satisfy {@code wanted}: the same cases in every
   * run (a failure names its case, and its seed and index reproduce it). One case in ten takes the
   * extremes of lifetime and threshold, where the rules are most likely to break.
   */
  private static List<Case> cases(long seed, int count, Predicate<Case> wanted) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Case> cases = new ArrayList<>();
    for (int tries = 0; cases.size() < count; tries++) {
      assertThat(tries).as("cases wanted from seed %d", seed).isLessThan(count * 50);
      Case c = randomCase(random);
      if (wanted.test(c)) {
        cases.add(c);
      }
    }
    return cases;
  }

  private static Case randomCase(SplittableRandom r) {
    boolean extreme = r.nextInt(10) == 0;
    long shortest = 3600;
    long longest = 10L * 365 * 86400;
    Duration lifetime =
        Duration.ofSeconds(extreme ? (r.nextBoolean() ? shortest : longest) : r.nextLong(shortest, longest + 1));
    Threshold threshold;
    if (r.nextBoolean()) {
      threshold = new Threshold(true, extreme ? (r.nextBoolean() ? 1 : 9999) : r.nextInt(1, 10_000), 0);
    } else {
      double share = extreme ? (r.nextBoolean() ? 0.001 : 2.0) : r.nextDouble(0.001, 2.0);
      threshold = new Threshold(false, 0, Math.round(share * 10_000) / 10_000.0);
    }
    Percentage jitter = new Percentage(r.nextInt(0, 5001));
    List<MaintenanceWindow> windows = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      windows.add(randomWindow(r));
    }
    BigInteger serial = BigInteger.valueOf(r.nextLong(1, Long.MAX_VALUE));
    StringBuilder host = new StringBuilder();
    for (int i = r.nextInt(1, 13); i > 0; i--) {
      host.append((char) ('a' + r.nextInt(26)));
    }
    Instant issued = EARLIEST.plusSeconds(r.nextLong(0, 15L * 365 * 86400 + 1));
    return new Case(
        lifetime, threshold.of(lifetime), new RenewalSpec(jitter, windows), serial, host.toString(), issued,
        r.nextBoolean());
  }

  private static MaintenanceWindow randomWindow(SplittableRandom r) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    while (days.isEmpty()) {
      for (DayOfWeek d : DayOfWeek.values()) {
        if (r.nextBoolean()) {
          days.add(d);
        }
      }
    }
    LocalTime from = LocalTime.ofSecondOfDay(r.nextInt(0, 24 * 60) * 60L);
    int minutes = r.nextInt(15, 12 * 60 + 1);
    return new MaintenanceWindow(days, from, from.plusMinutes(minutes), ZONES.get(r.nextInt(ZONES.size())));
  }

  /** A uniformly random duration from a second to twenty years. */
  private static Duration randomSpan(SplittableRandom r) {
    return Duration.ofSeconds(r.nextLong(1, 20L * 365 * 86400 + 1));
  }

  /** When a host that runs whenever the policy says something happens first renews. */
  private static Instant firstRenewal(RenewalSchedule s, Instant from, boolean unattended) {
    Instant t = from;
    for (int i = 0; i < 100; i++) {
      Renewal r = s.at(t, unattended);
      if (r.due()) {
        return t;
      }
      assertThat(r.at()).as("the next time moves on from %s (%s)", t, r).isAfter(t);
      t = r.at();
    }
    throw new AssertionError("no renewal after 100 steps from " + from);
  }

  @Test
  void renewalAlwaysHappensBeforeExpiryAndNotBeforeItIsDue() {
    for (Case c : cases(20261127, 400, Case::leavesTime)) {
      renewalAlwaysHappensBeforeExpiryAndNotBeforeItIsDue(c);
    }
  }

  private static void renewalAlwaysHappensBeforeExpiryAndNotBeforeItIsDue(Case c) {
    CertificateFacts cert = c.certificate();
    RenewalSchedule s = c.schedule(cert);

    Instant renewal = firstRenewal(s, c.issued(), c.unattended());

    assertThat(renewal).as("%s", c).isBefore(cert.notAfter()).isAfter(c.issued()).isAfterOrEqualTo(s.dueAt());
    assertThat(renewal).as("%s", c).isBeforeOrEqualTo(s.latest());
  }

  @Test
  void anUnattendedRenewalIsInsideAWindowWhenThereIsTime() {
    for (Case c :
        cases(20261128, 400, c -> c.leavesTime() && c.unattended() && !c.renewal().windows().isEmpty())) {
      anUnattendedRenewalIsInsideAWindowWhenThereIsTime(c);
    }
  }

  private static void anUnattendedRenewalIsInsideAWindowWhenThereIsTime(Case c) {
    RenewalSchedule s = c.schedule(c.certificate());

    Instant renewal = firstRenewal(s, c.issued(), true);

    boolean inWindow = c.renewal().windows().stream().anyMatch(w -> inside(w, renewal));
    if (renewal.isBefore(s.latest())) {
      assertThat(inWindow).as("%s inside one of the windows of %s", renewal, c).isTrue();
    } else {
      assertThat(inWindow || s.at(renewal, true).cause() == Renewal.Cause.SAFETY_MARGIN)
          .as("%s at the safety margin, or by chance in a window: %s", renewal, c)
          .isTrue();
    }
  }

  @Test
  void aCertificateIsRenewedOnceItsSuccessorIsNotDue() {
    for (Case c : cases(20261129, 400, Case::leavesTime)) {
      aCertificateIsRenewedOnceItsSuccessorIsNotDue(c);
    }
  }

  private static void aCertificateIsRenewedOnceItsSuccessorIsNotDue(Case c) {
    CertificateFacts cert = c.certificate();
    RenewalSchedule s = c.schedule(cert);
    Instant renewal = firstRenewal(s, c.issued(), c.unattended());

    // never due before its renewal; the successor made then is not due then, nor a minute later
    Instant halfway = c.issued().plus(Duration.between(c.issued(), renewal).dividedBy(2));
    assertThat(s.at(halfway, c.unattended()).due()).as("%s", c).isFalse();
    CertificateFacts next = c.certificate(c.serial().add(BigInteger.ONE), renewal);
    RenewalSchedule successor = c.schedule(next);
    for (boolean unattended : new boolean[] {true, false}) {
      assertThat(successor.at(renewal, unattended).due()).as("%s", c).isFalse();
      assertThat(successor.at(renewal.plusSeconds(60), unattended).due()).as("%s", c).isFalse();
    }
  }

  @Test
  void aClockBehindTheCertificateNeverRenewsIt() {
    SplittableRandom random = new SplittableRandom(20261130);
    for (Case c : cases(20261130, 300, any -> true)) {
      Duration behind = randomSpan(random);
      CertificateFacts cert = c.certificate();
      RenewalSchedule s = c.schedule(cert);

      assertThat(s.at(cert.notBefore().minus(behind), c.unattended()).due()).as("%s, %s behind", c, behind).isFalse();
    }
  }

  @Test
  void theSameCertificateGetsTheSameTimesInEveryRun() {
    SplittableRandom random = new SplittableRandom(20261201);
    for (Case c : cases(20261201, 300, any -> true)) {
      CertificateFacts cert = c.certificate();
      Instant now = c.issued().plus(randomSpan(random));

      Renewal first = c.schedule(cert).at(now, c.unattended());
      Renewal second = c.schedule(c.certificate()).at(now, c.unattended());

      assertThat(second).as("%s at %s", c, now).isEqualTo(first);
    }
  }

  @Test
  void jitterSpreadsCertificatesOfDifferentSerials() {
    RenewalSpec jittered = new RenewalSpec(Percentage.of(10), List.of());
    Predicate<Case> spreadable =
        c -> {
          if (!c.leavesTime()) {
            return false;
          }
          RenewalSchedule one = c.schedule(c.certificate());
          Instant threshold = one.notAfter().minus(one.period());
          return Duration.between(c.issued(), threshold).compareTo(Duration.ofHours(1)) > 0
              && one.period().compareTo(Duration.ofHours(1)) > 0;
        };
    List<Case> cases =
        cases(20261202, 200, c -> spreadable.test(
            new Case(c.lifetime(), c.renewBefore(), jittered, c.serial(), c.host(), c.issued(), false)));
    for (Case c : cases) {
      jitterSpreadsCertificatesOfDifferentSerials(
          new Case(c.lifetime(), c.renewBefore(), jittered, c.serial(), c.host(), c.issued(), false));
    }
  }

  private static void jitterSpreadsCertificatesOfDifferentSerials(Case spread) {

    Set<Instant> times = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      times.add(spread.schedule(spread.certificate(spread.serial().add(BigInteger.valueOf(i)), spread.issued())).dueAt());
    }

    // 50 serials over a span of at least 6 minutes: nearly all at different seconds
    assertThat(times).as("%s", spread).hasSizeGreaterThan(40);
  }

  @Test
  void aHostThatWasOffCatchesUpWithinADayAndBeforeItsSafetyMargin() {
    SplittableRandom random = new SplittableRandom(20261203);
    int waited = 0;
    List<Case> cases = cases(20261203, 300, any -> withoutWindows(any).leavesTime());
    for (Case any : cases) {
      double share = random.nextDouble();
      if (aHostThatWasOffCatchesUp(withoutWindows(any), share)) {
        waited++;
      }
    }
    // the catch-up hour is exercised, not only hosts that renew the moment they are back
    assertThat(waited).isGreaterThan(cases.size() / 20);
  }

  private static Case withoutWindows(Case any) {
    return new Case(any.lifetime(), any.renewBefore(), new RenewalSpec(any.renewal().jitter(), List.of()),
        any.serial(), any.host(), any.issued(), true);
  }

  /** Whether the host, back after being off, waited for the catch-up hour. */
  private static boolean aHostThatWasOffCatchesUp(Case c, double share) {
    CertificateFacts cert = c.certificate();
    RenewalSchedule s = c.schedule(cert);
    long room = Duration.between(s.dueAt(), cert.notAfter()).getSeconds();
    Instant back = s.dueAt().plusSeconds((long) (share * room));

    // a timer every 15 minutes from the moment the host is back
    Instant t = back;
    while (!s.at(t, true).due()) {
      t = t.plus(Duration.ofMinutes(15));
    }

    Instant margin = s.latest().isAfter(back) ? s.latest() : back;
    assertThat(t).as("%s back at %s", c, back)
        .isBefore(back.plus(Duration.ofHours(25))).isBefore(margin.plus(Duration.ofMinutes(15)));
    if (t.isAfter(back)) {
      assertThat(Duration.between(s.dueAt(), back)).as("%s back at %s", c, back)
          .isGreaterThanOrEqualTo(RenewalPolicy.CATCH_UP_AFTER);
      assertThat(s.at(t, true).cause()).as("%s back at %s", c, back)
          .isIn(Renewal.Cause.CATCH_UP, Renewal.Cause.SAFETY_MARGIN);
    }
    return t.isAfter(back);
  }

  /** Whether {@code t} lies in an opening of {@code w}, worked out without the calendar under test. */
  private static boolean inside(MaintenanceWindow w, Instant t) {
    ZonedDateTime local = t.atZone(w.zone());
    for (int back = 0; back <= 1; back++) {
      LocalDate day = local.toLocalDate().minusDays(back);
      if (!w.days().contains(day.getDayOfWeek())) {
        continue;
      }
      Instant start = day.atTime(w.start()).atZone(w.zone()).toInstant();
      Instant end = (w.crossesMidnight() ? day.plusDays(1) : day).atTime(w.end()).atZone(w.zone()).toInstant();
      if (!t.isBefore(start) && t.isBefore(end)) {
        return true;
      }
    }
    return false;
  }
}
