package org.hostpki.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as desired-state files write them: {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s} or ISO-8601. */
final class Durations {
  private static final Pattern SHORT = Pattern.compile("([0-9]+)([dhms])");

  /** What a duration too long for a {@link Duration} to hold reads as: longer than any limit. */
  static final Duration TOO_LONG = Duration.ofSeconds(Long.MAX_VALUE);

  private Durations() {}

  /**
   * The duration, or empty when the text is none; a duration too long for a {@link Duration}
   * ({@code 9999999999999999d}) is {@link #TOO_LONG}, so that it is refused as too long.
   */
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
    } catch (NumberFormatException | ArithmeticException e) {
      return m.matches() ? Optional.of(TOO_LONG) : Optional.empty();
    } catch (DateTimeParseException e) {
      boolean overflow = e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException;
      return overflow ? Optional.of(TOO_LONG) : Optional.empty();
    }
  }
}
