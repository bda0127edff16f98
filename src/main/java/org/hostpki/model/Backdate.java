package org.hostpki.model;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * How far a new certificate's notBefore is set back from the moment it is made, for clients whose
 * clock is a little behind: one hour, but at most a 48th of the validity, so that a short-lived
 * certificate is not spent before it is made (set back a whole hour, a one-hour certificate would
 * expire at birth). The whole span from notBefore to notAfter is the validity, so the set-back
 * counts against it: a new certificate is {@link #usable usable} for the validity less the
 * set-back.
 *
 * <p>The one rule for everything that depends on it: the issuer, the planner (when a CA was made,
 * for the rotation schedule), signing (a certificate that must end with its CA) and validation (a
 * renewBefore that leaves no time).
 *
 * <p>A CRL's thisUpdate is set back by the same rule ({@link #thisUpdate}), for the same clients:
 * a member whose clock is a little behind refuses a CRL "not yet valid" (OpenSSL's error 11, and
 * hostpki's own {@code trust.crls}) and with it every certificate of the CA under {@code
 * -crl_check_all}. Its nextUpdate stays the CRL's validity after the moment it is made.
 */
public final class Backdate {
  /** The set-back of a certificate valid for two days or more. */
  public static final Duration MAX = Duration.ofHours(1);

  /** A shorter certificate is set back by this share of its validity. */
  private static final int SHARE = 48;

  private Backdate() {}

  /** How far notBefore is set back for a certificate of this validity, in whole seconds. */
  public static Duration of(Duration validity) {
    Duration share = Duration.ofSeconds(validity.dividedBy(SHARE).getSeconds());
    return share.compareTo(MAX) < 0 ? share : MAX;
  }

  /**
   * The thisUpdate of a CRL made at {@code made} with this nextUpdate: set back, to the second, by
   * what a certificate valid from {@code made} to {@code nextUpdate} is set back.
   */
  public static Instant thisUpdate(Instant made, Instant nextUpdate) {
    Instant start = made.truncatedTo(ChronoUnit.SECONDS);
    Duration validity = Duration.between(start, nextUpdate);
    return validity.isNegative() ? start : start.minus(of(validity));
  }

  /** How long a certificate of this validity is valid from the moment it is made. */
  public static Duration usable(Duration validity) {
    return validity.minus(of(validity));
  }

  /**
   * The longest validity whose usable part fits in {@code span}: for a certificate made now that
   * must end no later than {@code span} from now (with its CA, say).
   */
  public static Duration longestUsableWithin(Duration span) {
    Duration validity =
        span.compareTo(MAX.multipliedBy(SHARE - 1)) >= 0
            ? span.plus(MAX)
            : Duration.ofSeconds(span.multipliedBy(SHARE).dividedBy(SHARE - 1).getSeconds());
    while (usable(validity).compareTo(span) > 0) {
      validity = validity.minusSeconds(1);
    }
    return validity;
  }

  /**
   * The validity of a certificate made at {@code now} that must end by {@code end} (with the CA
   * that signs it): {@code validity} when it ends in time, else the longest whose usable part fits
   * (unchanged when {@code end} is not after {@code now}: nothing fits, and the CA cannot sign).
   */
  public static Duration within(Duration validity, Instant now, Instant end) {
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    if (!start.plus(usable(validity)).isAfter(end) || !end.isAfter(start)) {
      return validity;
    }
    return longestUsableWithin(Duration.between(start, end));
  }
}
