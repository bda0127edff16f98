package org.hostpki.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hostpki.model.CertificateFacts;
import org.hostpki.model.RenewalSpec;
import org.hostpki.model.ServerSpec;
import org.junit.jupiter.api.Test;

/**
 * A fleet of 1,000 hosts under the default rules, worked out deterministically (seeded serials,
 * fixed host names): renewal times spread evenly over the jitter span, and an upgrade from the
 * fixed 30-day default does not make the hosts whose certificates are now overdue renew at once.
 */
class FleetSpreadTest {
  private static final int HOSTS = 1000;
  private static final Instant UPGRADE = Instant.parse("2026-12-01T00:00:00Z");
  private static final Duration VALIDITY = ServerSpec.DEFAULT_VALIDITY;

  private static List<BigInteger> serials() {
    Random random = new Random(0x5eed);
    List<BigInteger> serials = new ArrayList<>();
    for (int i = 0; i < HOSTS; i++) {
      serials.add(new BigInteger(127, random));
    }
    return serials;
  }

  private static RenewalSchedule schedule(BigInteger serial, Instant issued) {
    CertificateFacts c = Certificates.issued(serial, issued, VALIDITY);
    return new RenewalPolicy(ServerSpec.DEFAULT_RENEW_BEFORE, RenewalSpec.defaults())
        .schedule(c, issued);
  }

  @Test
  void testJitter_aThousandHostsSpreadEvenlyOverTheJitterSpan() {
    List<BigInteger> serials = serials();
    int bins = 20;
    int[] counts = new int[bins];
    Map<Long, Integer> perMinute = new HashMap<>();
    for (int i = 0; i < HOSTS; i++) {
      RenewalSchedule s = schedule(serials.get(i), UPGRADE);
      Instant threshold = s.notAfter().minus(s.period());
      double share = Duration.between(s.dueAt(), threshold).getSeconds() / (double) s.period().dividedBy(10).getSeconds();
      assertThat(share).isBetween(0.0, 1.0);
      counts[Math.min(bins - 1, (int) (share * bins))]++;
      perMinute.merge(s.dueAt().getEpochSecond() / 60, 1, Integer::sum);
    }

    double expected = HOSTS / (double) bins;
    double chiSquare = 0;
    for (int count : counts) {
      chiSquare += (count - expected) * (count - expected) / expected;
    }
    // 19 degrees of freedom: 43.8 is the 0.1% critical value of a uniform spread
    assertThat(chiSquare).as("chi-square of %s", java.util.Arrays.toString(counts)).isLessThan(43.8);
    assertThat(perMinute.values().stream().mapToInt(Integer::intValue).max().orElseThrow())
        .as("hosts renewing in the same minute")
        .isLessThanOrEqualTo(3);
  }

  /**
   * Certificates of every age up to the old renewal point (368 days), issued under the fixed
   * 30-day default; from the upgrade on, the timer runs every 15 minutes under the 33% default.
   */
  @Test
  void testUpgrade_overdueCertificatesCatchUpOverADayNotInOneRun() {
    List<BigInteger> serials = serials();
    Duration step = Duration.ofMinutes(15);
    int overdue = 0;
    int atOnce = 0;
    int[] perHour = new int[25];
    for (int i = 0; i < HOSTS; i++) {
      Instant issued = UPGRADE.minus(Duration.ofDays(368).multipliedBy(i).dividedBy(HOSTS));
      RenewalSchedule s = schedule(serials.get(i), issued);
      if (!s.dueAt().isBefore(UPGRADE)) {
        continue;
      }
      overdue++;
      Instant t = UPGRADE;
      while (!s.at(t, true).due()) {
        t = t.plus(step);
        assertThat(t).as("host %d renews within a day", i).isBefore(UPGRADE.plus(Duration.ofHours(25)));
      }
      Instant latest = s.latest().isAfter(UPGRADE) ? s.latest() : UPGRADE;
      assertThat(t).as("never past the safety margin").isBefore(latest.plus(step));
      if (t.equals(UPGRADE)) {
        atOnce++;
      }
      perHour[(int) Duration.between(UPGRADE, t).toHours()]++;
      assertThat(s.at(UPGRADE, false).due()).as("a person's apply renews host %d at once", i).isTrue();
    }

    // two thirds of 398 days is 265 days (254 to 265 with jitter): a good quarter of the fleet is overdue
    assertThat(overdue).isBetween(270, 320);
    // in the first run, only those whose catch-up hour it is (1 in 24), that fell due within the
    // last day, or whose safety margin (33 days before expiry: the last 3 days before the old 30)
    // has come — about 2% of the fleet, not the overdue quarter a person's apply would renew
    assertThat(atOnce).isLessThanOrEqualTo(overdue / 10);
    for (int hour = 1; hour < 24; hour++) { // hour 0 holds the first run, above
      assertThat(perHour[hour]).as("renewals in hour %d of %s", hour, java.util.Arrays.toString(perHour))
          .isLessThanOrEqualTo(30);
    }
  }
}
