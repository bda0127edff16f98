package org.hostpki.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as desired-state files write them: {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s} or ISO-8601. */
final class Durations {
  private static final Pattern SHORT = Pattern.compile("([0-9]+)([dhms])");

  private Durations() {}

  /** The duration, or empty when the text is none (or too large to hold). */
  static Optional<Duration> parse(String text) {
    Matcher m = SHORT.matcher(text);
    try {
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        return Optional.of(
            switch (m.group(2)) {
              case "d" -> Duration.ofDays(amount);
              case "h" -> Duration.ofHours(amount);
              case "m" -> Duration.ofMinutes(amount);
              default -> Duration.ofSeconds(amount);
            });
      }
      // Duration.parse also takes signs and fractions of minutes; the schema has ruled those out.
      return text.startsWith("P") ? Optional.of(Duration.parse(text)) : Optional.empty();
    } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
