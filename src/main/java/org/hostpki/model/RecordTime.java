package org.hostpki.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

/**
 * The one rule for a time read back from a record hostpki wrote (.crl/revoked,
 * .crl/compromised-keys, .install/record.json, the hook ledger, the metrics file): it lies in the
 * years 1970 to 9999, as every time hostpki writes does. Outside them the record was edited by
 * hand (or by whoever may write it), and the entry is treated as spoilt: Instant holds years up
 * to a billion, but {@link DateText} cannot write a date past 9999 ("Invalid value for
 * EpochDay"), so such a time made sign, revoke, plan, check and status stop with an internal
 * error (rvcore16 L4, thostile16).
 */
public final class RecordTime {
  /** The earliest time a record is read with. */
  public static final Instant EARLIEST = Instant.EPOCH;

  /** The latest time a record is read with: the last second a date is written for. */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private RecordTime() {}

  /** Whether {@code time} is one a record may hold. */
  public static boolean holds(Instant time) {
    return !time.isBefore(EARLIEST) && !time.isAfter(LATEST);
  }

  /** A record's time in epoch seconds; empty outside the years 1970 to 9999. */
  public static Optional<Instant> ofEpochSecond(long seconds) {
    return seconds < EARLIEST.getEpochSecond() || seconds > LATEST.getEpochSecond()
        ? Optional.empty()
        : Optional.of(Instant.ofEpochSecond(seconds));
  }

  /**
   * A record's time in RFC 3339 ({@link Instant#toString()}); empty when it is not one or lies
   * outside the years 1970 to 9999.
   */
  public static Optional<Instant> parse(String text) {
    try {
      return Optional.of(Instant.parse(text)).filter(RecordTime::holds);
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }
}
