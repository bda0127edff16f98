package org.hostpki.model;

import java.time.Duration;

/**
 * Durations in words: the short form desired states use ({@code 398d}, {@code 36h}, {@code 90m}),
 * and the form messages use for how long is left or how far apart ({@code 131 days}, {@code 5 h
 * 20 min}).
 */
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
   * How long, for messages: whole days from two days on ({@code 2 days}, {@code 131 days}), hours
   * and minutes below that ({@code 47 h 59 min}, {@code 5 h}, {@code 20 min}), and {@code less
   * than a minute}. Rounded down: "expires in 23 h 59 min" is never later than it says. A negative
   * duration is described by its length.
   */
  public static String words(Duration d) {
    Duration length = d.abs();
    long minutes = length.toMinutes();
    if (length.compareTo(Duration.ofDays(2)) >= 0) {
      return length.toDays() + " days";
    }
    if (minutes == 0) {
      return "less than a minute";
    }
    long hours = minutes / 60;
    long rest = minutes % 60;
    if (hours == 0) {
      return rest + " min";
    }
    return rest == 0 ? hours + " h" : hours + " h " + rest + " min";
  }
}
