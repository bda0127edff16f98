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
}
