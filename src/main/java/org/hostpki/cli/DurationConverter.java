package org.hostpki.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hostpki.model.DurationText;
import picocli.CommandLine;

/**
 * Command-line durations: {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d}, or ISO-8601. An option
 * with other rules (fetch-cert's {@code --timeout}) makes one with fewer units, a range and its own
 * examples.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private final Pattern shortForm;
  private final boolean lenient;
  private final String examples;
  private final Optional<Duration> longestTimeout;

  DurationConverter() {
    this("ms|s|m|h|d", false, "; use e.g. 30s, 2m, 1h, 7d or PT30S", Optional.empty());
  }

  /**
   * @param units the short form's units, of {@code ms|s|m|h|d}
   * @param lenient surrounding spaces and the letters' case do not matter
   * @param examples what the message for a value that is no duration ends with
   * @param longestTimeout a timeout: more than zero and at most this long
   */
  DurationConverter(String units, boolean lenient, String examples, Optional<Duration> longestTimeout) {
    this.shortForm = Pattern.compile("(\\d{1,9})(" + units + ")");
    this.lenient = lenient;
    this.examples = examples;
    this.longestTimeout = longestTimeout;
  }

  @Override
  public Duration convert(String value) {
    String text = lenient ? value.strip() : value;
    Matcher m = shortForm.matcher(lenient ? text.toLowerCase(Locale.ROOT) : text);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(lenient ? text.toUpperCase(Locale.ROOT) : text);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration" + examples);
      }
    }
    if (longestTimeout.isPresent() && (d.isNegative() || d.isZero() || d.compareTo(longestTimeout.get()) > 0)) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is out of range: a timeout is more than 0 and at most " + DurationText.of(longestTimeout.get()));
    }
    return d;
  }
}
