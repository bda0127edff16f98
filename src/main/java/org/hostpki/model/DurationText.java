package org.hostpki.model;

import java.time.Duration;

/** Durations in the short form desired states use: {@code 398d}, {@code 36h}, {@code 90m}. */
public final class DurationText {
  private DurationText() {}

  /**
   * The duration in its largest whole unit: {@code 398d}, {@code 36h}, {@code 90m}, {@code 45s};
   * {@code 0s} when zero, milliseconds when not a whole number of seconds.
   */
  public static String of(Duration d) {
    if (d.getNano() != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    if (s != 0 && s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  /**
   * The duration in days, hours, minutes and seconds, leaving out the parts that are zero: {@code
   * 39d 23h}, {@code 23h 30m}, {@code 1m 15s}; {@code 0s} when zero. Parts of a second are dropped.
   */
  public static String exact(Duration d) {
    long s = d.getSeconds();
    StringBuilder sb = new StringBuilder();
    long[] sizes = {86400, 3600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      long amount = s / sizes[i];
      s %= sizes[i];
      if (amount != 0) {
        sb.append(sb.length() == 0 ? "" : " ").append(amount).append(units[i]);
      }
    }
    return sb.length() == 0 ? "0s" : sb.toString();
  }

  /**
   * The time left until a certificate expires, as messages say it: {@code 41 days} from two days
   * on, below that hours and minutes ({@code 23h 5m}, {@code 47m}), so that a short-lived
   * certificate never reads "0 days"; {@code less than a minute} at the end.
   */
  public static String left(Duration d) {
    if (d.compareTo(Duration.ofDays(2)) >= 0) {
      return d.toDays() + " days";
    }
    if (d.compareTo(Duration.ofMinutes(1)) < 0) {
      return "less than a minute";
    }
    return exact(Duration.ofMinutes(d.toMinutes()));
  }
}
