package org.hostpki.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackOffTest {
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");

  @Test
  void testNextAttempt_doublesFromFiveMinutesUpToADay() {
    assertThat(wait(1)).isEqualTo(Duration.ofMinutes(5));
    assertThat(wait(2)).isEqualTo(Duration.ofMinutes(10));
    assertThat(wait(5)).isEqualTo(Duration.ofMinutes(80));
    assertThat(wait(10)).isEqualTo(Duration.ofDays(1));
    assertThat(wait(1000)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void testNextAttempt_neverBeforeRetryAfter() {
    Instant retry = AT.plus(Duration.ofHours(3));

    assertThat(BackOff.nextAttempt(AT, 1, AcmeFailure.Kind.CA_PROBLEM, Optional.of(retry))).isEqualTo(retry);
  }

  @Test
  void testNextAttempt_anEarlyRetryAfterDoesNotShortenTheBackOff() {
    assertThat(BackOff.nextAttempt(AT, 3, AcmeFailure.Kind.CA_PROBLEM, Optional.of(AT.plusSeconds(1))))
        .isEqualTo(AT.plus(Duration.ofMinutes(20)));
  }

  @Test
  void testNextAttempt_aRetryAfterBeyondAWeekIsBelievedForAWeek() {
    assertThat(BackOff.nextAttempt(AT, 1, AcmeFailure.Kind.RATE_LIMITED, Optional.of(AT.plus(Duration.ofDays(400)))))
        .isEqualTo(AT.plus(Duration.ofDays(7)));
  }

  @Test
  void testNextAttempt_rateLimitWithoutRetryAfterWaitsAnHour() {
    assertThat(BackOff.nextAttempt(AT, 1, AcmeFailure.Kind.RATE_LIMITED, Optional.empty()))
        .isEqualTo(AT.plus(Duration.ofHours(1)));
  }

  private static Duration wait(int inARow) {
    return Duration.between(AT, BackOff.nextAttempt(AT, inARow, AcmeFailure.Kind.UNREACHABLE, Optional.empty()));
  }
}
