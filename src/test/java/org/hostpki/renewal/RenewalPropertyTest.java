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
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;
import org.hostpki.model.Backdate;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewBefore;
import org.hostpki.model.RenewalSpec;

/**
 * The renewal rules over certificate lifetimes from one hour to ten years, any renewBefore (a
 * share, or a duration — also one longer than the lifetime), any jitter and up to two random
 * windows in assorted time zones. A host is simulated by following the policy's own "next time":
 * it runs exactly when the policy says something happens, which is when a real timer would first
 * see it.
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
      return new RenewalPolicy(renewBefore, renewal, Certificates.host(host))
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

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Duration> lifetime = Arbitraries.longs().between(3600, 10L * 365 * 86400).map(Duration::ofSeconds);
    Arbitrary<Threshold> threshold =
        Arbitraries.oneOf(
            Arbitraries.integers().between(1, 9999).map(h -> new Threshold(true, h, 0)),
            Arbitraries.doubles().between(0.001, 2.0).ofScale(4).map(f -> new Threshold(false, 0, f)));
    Arbitrary<Percentage> jitter = Arbitraries.integers().between(0, 5000).map(Percentage::new);
    Arbitrary<List<MaintenanceWindow>> windows = window().list().ofMaxSize(2);
    Arbitrary<BigInteger> serial = Arbitraries.longs().between(1, Long.MAX_VALUE).map(BigInteger::valueOf);
    Arbitrary<String> host = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    Arbitrary<Instant> issued = Arbitraries.longs().between(0, 15L * 365 * 86400).map(EARLIEST::plusSeconds);
    Arbitrary<Boolean> unattended = Arbitraries.of(true, false);
    return Combinators.combine(lifetime, threshold, jitter, windows, serial, host, issued, unattended)
        .as((l, t, j, w, se, h, i, u) -> new Case(l, t.of(l), new RenewalSpec(j, w), se, h, i, u));
  }

  private static Arbitrary<MaintenanceWindow> window() {
    Arbitrary<Set<DayOfWeek>> days = Arbitraries.of(DayOfWeek.class).set().ofMinSize(1).ofMaxSize(7);
    Arbitrary<Integer> start = Arbitraries.integers().between(0, 24 * 60 - 1);
    Arbitrary<Integer> length = Arbitraries.integers().between(15, 12 * 60);
    Arbitrary<ZoneId> zone = Arbitraries.of(ZONES);
    return Combinators.combine(days, start, length, zone)
        .as(
            (d, s, len, z) -> {
              LocalTime from = LocalTime.ofSecondOfDay(s * 60L);
              return new MaintenanceWindow(EnumSet.copyOf(d), from, from.plusMinutes(len), z);
            });
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

  @Property(tries = 400, seed = "20261127")
  void renewalAlwaysHappensBeforeExpiryAndNotBeforeItIsDue(@ForAll("cases") Case c) {
    Assume.that(c.leavesTime());
    CertificateFacts cert = c.certificate();
    RenewalSchedule s = c.schedule(cert);

    Instant renewal = firstRenewal(s, c.issued(), c.unattended());

    assertThat(renewal).isBefore(cert.notAfter()).isAfter(c.issued()).isAfterOrEqualTo(s.dueAt());
    assertThat(renewal).isBeforeOrEqualTo(s.latest());
  }

  @Property(tries = 400, seed = "20261128")
  void anUnattendedRenewalIsInsideAWindowWhenThereIsTime(@ForAll("cases") Case c) {
    Assume.that(c.leavesTime() && c.unattended() && !c.renewal().windows().isEmpty());
    RenewalSchedule s = c.schedule(c.certificate());

    Instant renewal = firstRenewal(s, c.issued(), true);

    boolean inWindow = c.renewal().windows().stream().anyMatch(w -> inside(w, renewal));
    if (renewal.isBefore(s.latest())) {
      assertThat(inWindow).as("%s inside one of %s", renewal, c.renewal().windows()).isTrue();
    } else {
      assertThat(inWindow || s.at(renewal, true).cause() == Renewal.Cause.SAFETY_MARGIN)
          .as("%s at the safety margin, or by chance in a window", renewal)
          .isTrue();
    }
  }

  @Property(tries = 400, seed = "20261129")
  void aCertificateIsRenewedOnceItsSuccessorIsNotDue(@ForAll("cases") Case c) {
    Assume.that(c.leavesTime());
    CertificateFacts cert = c.certificate();
    RenewalSchedule s = c.schedule(cert);
    Instant renewal = firstRenewal(s, c.issued(), c.unattended());

    // never due before its renewal; the successor made then is not due then, nor a minute later
    Instant halfway = c.issued().plus(Duration.between(c.issued(), renewal).dividedBy(2));
    assertThat(s.at(halfway, c.unattended()).due()).isFalse();
    CertificateFacts next = c.certificate(c.serial().add(BigInteger.ONE), renewal);
    RenewalSchedule successor = c.schedule(next);
    for (boolean unattended : new boolean[] {true, false}) {
      assertThat(successor.at(renewal, unattended).due()).isFalse();
      assertThat(successor.at(renewal.plusSeconds(60), unattended).due()).isFalse();
    }
  }

  @Property(tries = 300, seed = "20261130")
  void aClockBehindTheCertificateNeverRenewsIt(
      @ForAll("cases") Case c, @ForAll("behind") Duration behind) {
    CertificateFacts cert = c.certificate();
    RenewalSchedule s = c.schedule(cert);

    assertThat(s.at(cert.notBefore().minus(behind), c.unattended()).due()).isFalse();
  }

  @Provide
  Arbitrary<Duration> behind() {
    return Arbitraries.longs().between(1, 20L * 365 * 86400).withDistribution(RandomDistribution.uniform())
        .map(Duration::ofSeconds);
  }

  @Provide
  Arbitrary<Double> shares() {
    return Arbitraries.doubles().between(0, 1).ofScale(6).withDistribution(RandomDistribution.uniform());
  }

  @Property(tries = 300, seed = "20261201")
  void theSameCertificateGetsTheSameTimesInEveryRun(@ForAll("cases") Case c, @ForAll("behind") Duration later) {
    CertificateFacts cert = c.certificate();
    Instant now = c.issued().plus(later);

    Renewal first = c.schedule(cert).at(now, c.unattended());
    Renewal second = c.schedule(c.certificate()).at(now, c.unattended());

    assertThat(second).isEqualTo(first);
  }

  @Property(tries = 200, seed = "20261202")
  void jitterSpreadsCertificatesOfDifferentSerials(@ForAll("cases") Case c) {
    RenewalSpec jittered = new RenewalSpec(Percentage.of(10), List.of());
    Case spread = new Case(c.lifetime(), c.renewBefore(), jittered, c.serial(), c.host(), c.issued(), false);
    Assume.that(spread.leavesTime());
    RenewalSchedule one = spread.schedule(spread.certificate());
    Instant threshold = one.notAfter().minus(one.period());
    Assume.that(Duration.between(spread.issued(), threshold).compareTo(Duration.ofHours(1)) > 0
        && one.period().compareTo(Duration.ofHours(1)) > 0);

    Set<Instant> times = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      times.add(spread.schedule(spread.certificate(c.serial().add(BigInteger.valueOf(i)), spread.issued())).dueAt());
    }

    // 50 serials over a span of at least 6 minutes: nearly all at different seconds
    assertThat(times).hasSizeGreaterThan(40);
  }

  @Property(tries = 300, seed = "20261203")
  void aHostThatWasOffCatchesUpWithinADayAndBeforeItsSafetyMargin(
      @ForAll("cases") Case any, @ForAll("shares") double share) {
    Case c = new Case(any.lifetime(), any.renewBefore(), new RenewalSpec(any.renewal().jitter(), List.of()),
        any.serial(), any.host(), any.issued(), true);
    Assume.that(c.leavesTime());
    CertificateFacts cert = c.certificate();
    RenewalSchedule s = c.schedule(cert);
    long room = Duration.between(s.dueAt(), cert.notAfter()).getSeconds();
    Instant back = s.dueAt().plusSeconds((long) (share * room));

    // a timer every 15 minutes from the moment the host is back
    Instant t = back;
    while (!s.at(t, true).due()) {
      t = t.plus(Duration.ofMinutes(15));
    }

    Statistics.label("waited for the catch-up hour").collect(t.isAfter(back));
    Statistics.label("waited for the catch-up hour").coverage(checker -> checker.check(true).percentage(p -> p > 5));
    Instant margin = s.latest().isAfter(back) ? s.latest() : back;
    assertThat(t).isBefore(back.plus(Duration.ofHours(25))).isBefore(margin.plus(Duration.ofMinutes(15)));
    if (t.isAfter(back)) {
      assertThat(Duration.between(s.dueAt(), back)).isGreaterThanOrEqualTo(RenewalPolicy.CATCH_UP_AFTER);
      assertThat(s.at(t, true).cause()).isIn(Renewal.Cause.CATCH_UP, Renewal.Cause.SAFETY_MARGIN);
    }
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
