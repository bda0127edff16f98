package org.hostpki.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a certificate stands against a moment: not yet valid, valid with so many days left, or
 * expired (from its notAfter on, as {@link CertificateFacts#isExpiredAt}).
 *
 * @param state the standing
 * @param daysLeft whole days until notAfter; negative once expired
 */
public record Validity(State state, long daysLeft) {

  public enum State {
    NOT_YET_VALID("not-yet-valid"),
    VALID("valid"),
    EXPIRED("expired");

    private final String word;

    State(String word) {
      this.word = word;
    }

    /** The form JSON uses. */
    public String word() {
      return word;
    }
  }

  public Validity {
    Objects.requireNonNull(state, "state");
  }

  public static Validity at(Instant now, Instant notBefore, Instant notAfter) {
    long daysLeft = Duration.between(now, notAfter).toDays();
    if (now.isBefore(notBefore)) {
      return new Validity(State.NOT_YET_VALID, daysLeft);
    }
    if (!now.isBefore(notAfter)) {
      // Expired from notAfter on, as CertificateFacts#isExpiredAt and OpenSSL have it. toDays
      // truncates towards zero: within a day after expiry daysLeft is 0 ("EXPIRED today").
      return new Validity(State.EXPIRED, daysLeft);
    }
    return new Validity(State.VALID, daysLeft);
  }

  /** {@code 45 days left}, {@code EXPIRED 3 days ago}, {@code not yet valid}. */
  public String words() {
    return switch (state) {
      case NOT_YET_VALID -> "not yet valid";
      case EXPIRED -> daysLeft == 0 ? "EXPIRED today" : "EXPIRED " + days(-daysLeft) + " ago";
      case VALID -> daysLeft == 0 ? "expires within a day" : days(daysLeft) + " left";
    };
  }

  private static String days(long n) {
    return n == 1 ? "1 day" : n + " days";
  }
}
