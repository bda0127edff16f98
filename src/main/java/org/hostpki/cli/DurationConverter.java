package org.hostpki.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
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
  /**
   * The longest duration any option takes: 100 years. Longer ones are typos (a timeout of 99999999d
   * overflowed the lock's deadline into an internal error).
   */
  static final Duration LONGEST = Duration.ofDays(36500);

  private final Pattern shortForm;
  private final List<String> units;
  private final boolean lenient;
  private final String examples;
  private final Optional<Duration> longestTimeout;
  private final boolean positive;

  DurationConverter() {
    this("ms|s|m|h|d", false, GENERAL_EXAMPLES, Optional.empty());
  }

  private static final String GENERAL_EXAMPLES = "; use e.g. 30s, 2m, 1h, 7d or PT30S";

  /**
   * @param units the short form's units, of {@code ms|s|m|h|d}
   * @param lenient surrounding spaces and the letters' case do not matter
   * @param examples what the message for a value that is no duration ends with
   * @param longestTimeout a timeout: more than zero and at most this long
   */
  DurationConverter(String units, boolean lenient, String examples, Optional<Duration> longestTimeout) {
    this(units, lenient, examples, longestTimeout, longestTimeout.isPresent());
  }

  /** @param positive 0 (and less) is refused: the option needs some time ({@code watch --interval}) */
  private DurationConverter(
      String units, boolean lenient, String examples, Optional<Duration> longestTimeout, boolean positive) {
    this.positive = positive;
    this.shortForm = Pattern.compile("(\\d+)(" + units + ")");
    this.units = List.of(units.split("\\|"));
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
      if (m.group(1).length() > 9) {
        throw outOfRange(value);
      }
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
        if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) {
          throw outOfRange(value); // PT99999999999999999999H: a duration, but beyond any clock
        }
        if (positive && text.matches("0+")) {
          // not "write it with one: 0ms, 0s ...", each of which is refused in turn
          throw new NotADuration("'" + value + "' must be longer than 0" + examples);
        }
        if (text.matches("\\d+")) {
          // '--lock-timeout 5': seconds to one reader, days to the next; the unit is asked for
          throw new NotADuration("'" + value + "' has no unit; write it with one: " + withUnits(text));
        }
        throw new NotADuration("'" + value + "' is not a duration" + examples);
      }
    }
    if (positive && longestTimeout.isEmpty() && (d.isZero() || d.isNegative())) {
      throw new CommandLine.TypeConversionException("'" + value + "' must be longer than 0" + examples);
    }
    if (longestTimeout.isPresent() && (d.isNegative() || d.isZero() || d.compareTo(longestTimeout.get()) > 0)
        || d.compareTo(LONGEST) > 0) {
      throw outOfRange(value);
    }
    return d;
  }

  /** The number with each unit of the short form: "5ms, 5s, 5m, 5h or 5d". */
  private String withUnits(String number) {
    List<String> forms = units.stream().map(u -> number + u).toList();
    return String.join(", ", forms.subList(0, forms.size() - 1)) + " or " + forms.get(forms.size() - 1);
  }

  /**
   * A duration longer than 0 ({@code watch --interval}): the general forms, with 0 and less
   * refused as the conversion's own message instead of after it.
   */
  static final class Positive implements CommandLine.ITypeConverter<Duration> {
    private final DurationConverter converter =
        new DurationConverter("ms|s|m|h|d", false, GENERAL_EXAMPLES, Optional.empty(), true);

    @Override
    public Duration convert(String value) {
      return converter.convert(value);
    }
  }

  /** A value of no duration form at all (not one out of range): an option taking more forms says so. */
  static final class NotADuration extends CommandLine.TypeConversionException {
    NotADuration(String message) {
      super(message);
    }
  }

  private CommandLine.TypeConversionException outOfRange(String value) {
    return new CommandLine.TypeConversionException(
        longestTimeout.isPresent()
            ? "'" + value + "' is out of range: a timeout is more than 0 and at most " + DurationText.of(longestTimeout.get())
            : "'" + value + "' is too long: at most " + DurationText.of(LONGEST) + " (100 years)");
  }
}
