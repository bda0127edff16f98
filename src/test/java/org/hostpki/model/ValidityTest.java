package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.hostpki.model.Validity.State;
import org.junit.jupiter.api.Test;

class ValidityTest {
  private static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOT_AFTER = Instant.parse("2026-04-01T00:00:00Z");

  private static Validity at(String now) {
    return Validity.at(Instant.parse(now), NOT_BEFORE, NOT_AFTER);
  }

  @Test
  void testAt_validCountsWholeDaysLeft() {
    Validity validity = at("2026-03-01T12:00:00Z");

    assertThat(validity).isEqualTo(new Validity(State.VALID, 30));
    assertThat(validity.words()).isEqualTo("30 days left");
  }

  @Test
  void testWords_oneDayIsSingular() {
    assertThat(at("2026-03-30T23:00:00Z").words()).isEqualTo("1 day left");
  }

  @Test
  void testWords_lastDay() {
    assertThat(at("2026-03-31T12:00:00Z").words()).isEqualTo("expires within a day");
  }

  @Test
  void testAt_expired() {
    Validity validity = at("2026-04-04T00:00:01Z");

    assertThat(validity.state()).isEqualTo(State.EXPIRED);
    assertThat(validity.words()).isEqualTo("EXPIRED 3 days ago");
  }

  @Test
  void testWords_expiredWithinTheLastDay() {
    assertThat(at("2026-04-01T05:00:00Z").words()).isEqualTo("EXPIRED today");
  }

  @Test
  void testAt_notYetValid() {
    Validity validity = Validity.at(NOT_BEFORE.minus(Duration.ofHours(1)), NOT_BEFORE, NOT_AFTER);

    assertThat(validity.state()).isEqualTo(State.NOT_YET_VALID);
    assertThat(validity.words()).isEqualTo("not yet valid");
  }

  @Test
  void testAt_validFromNotBeforeUntilJustBeforeNotAfter() {
    assertThat(Validity.at(NOT_BEFORE, NOT_BEFORE, NOT_AFTER).state()).isEqualTo(State.VALID);
    assertThat(Validity.at(NOT_AFTER.minusNanos(1), NOT_BEFORE, NOT_AFTER).state()).isEqualTo(State.VALID);
  }

  /**
   * Found in the time trial: at the second of notAfter, {@code status} said {@code EXPIRED} and
   * {@code check} {@code expired on} (by {@link CertificateFacts#isExpiredAt}), while {@code status
   * --output json} said {@code "validity": "valid"}. OpenSSL refuses the certificate from that
   * second on ({@code certificate has expired}); one rule for all: expired.
   */
  @Test
  void testAt_notAfterIsExpired_asCertificateFactsAndOpenSslSay() {
    Validity validity = Validity.at(NOT_AFTER, NOT_BEFORE, NOT_AFTER);

    assertThat(validity.state()).isEqualTo(State.EXPIRED);
    assertThat(validity.words()).isEqualTo("EXPIRED today");
  }

  @Test
  void testWord_isTheJsonForm() {
    assertThat(State.NOT_YET_VALID.word()).isEqualTo("not-yet-valid");
  }
}
