package org.hostpki.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Instants as people read them in plans, messages and reports, always in UTC: {@code 2036-12-03
 * 00:21 UTC}. Machine-readable output uses RFC 3339 ({@link Instant#toString()}) instead.
 */
public final class DateText {
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  private DateText() {}

  /** {@code 2036-12-03 00:21 UTC}: a certificate's dates, when something is due. */
  public static String of(Instant instant) {
    return MINUTES.format(instant);
  }

  /** {@code 2036-12-03 00:21:07 UTC}: where seconds matter (the clock, the store's history). */
  public static String precise(Instant instant) {
    return SECONDS.format(instant);
  }

  /** {@code 2036-12-03}: a day, in a table. */
  public static String day(Instant instant) {
    return DAY.format(instant);
  }
}
