package org.hostpki.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * What the command line's durations accept, and the messages for what they refuse: the general
 * one (--lock-timeout, watch, sign) and fetch-cert's --timeout (fewer units, case and spaces
 * forgiven, more than 0 and at most an hour).
 */
class DurationConverterTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "30s     | PT30S  | PT30S",
        "1500ms  | PT1.5S | PT1.5S",
        "2m      | PT2M   | PT2M",
        "1h      | PT1H   | '1h' is not a duration: write e.g. 10s, 1500ms, 2m or PT10S",
        "7d      | PT168H | '7d' is not a duration: write e.g. 10s, 1500ms, 2m or PT10S",
        "PT30S   | PT30S  | PT30S",
        "pt30s   | PT30S  | PT30S",
        "PT1H    | PT1H   | PT1H",
        "PT2H    | PT2H   | 'PT2H' is out of range: a timeout is more than 0 and at most 1h",
        "61m     | PT1H1M | '61m' is out of range: a timeout is more than 0 and at most 1h",
        "10S     | '10S' is not a duration; use e.g. 30s, 2m, 1h, 7d or PT30S | PT10S",
        "\" 10s \" | ' 10s ' is not a duration; use e.g. 30s, 2m, 1h, 7d or PT30S | PT10S",
        "0s      | PT0S   | '0s' is out of range: a timeout is more than 0 and at most 1h",
        "PT-1S   | PT-1S  | 'PT-1S' is out of range: a timeout is more than 0 and at most 1h",
        "soon    | 'soon' is not a duration; use e.g. 30s, 2m, 1h, 7d or PT30S | 'soon' is not a duration: write e.g. 10s, 1500ms, 2m or PT10S",
        "5       | '5' has no unit; write it with one: 5ms, 5s, 5m, 5h or 5d | '5' has no unit; write it with one: 5ms, 5s or 5m",
        "0       | '0' has no unit; write it with one: 0ms, 0s, 0m, 0h or 0d | '0' must be longer than 0: write e.g. 10s, 1500ms, 2m or PT10S",
        "12345678901 | '12345678901' has no unit; write it with one: 12345678901ms, 12345678901s, 12345678901m, 12345678901h or 12345678901d | '12345678901' has no unit; write it with one: 12345678901ms, 12345678901s or 12345678901m",
        "1m30s   | '1m30s' is not a duration; use e.g. 30s, 2m, 1h, 7d or PT30S | '1m30s' is not a duration: write e.g. 10s, 1500ms, 2m or PT10S",
        "1234567890s | '1234567890s' is too long: at most 36500d (100 years) | '1234567890s' is out of range: a timeout is more than 0 and at most 1h",
        "36500d  | PT876000H | '36500d' is not a duration: write e.g. 10s, 1500ms, 2m or PT10S",
        "36501d  | '36501d' is too long: at most 36500d (100 years) | '36501d' is not a duration: write e.g. 10s, 1500ms, 2m or PT10S",
        "99999999d | '99999999d' is too long: at most 36500d (100 years) | '99999999d' is not a duration: write e.g. 10s, 1500ms, 2m or PT10S",
        "PT99999999999999H | 'PT99999999999999H' is too long: at most 36500d (100 years) | 'PT99999999999999H' is out of range: a timeout is more than 0 and at most 1h",
        "PT99999999999999999999H | 'PT99999999999999999999H' is too long: at most 36500d (100 years) | 'PT99999999999999999999H' is out of range: a timeout is more than 0 and at most 1h",
        "PT10\u017f | 'PT10\u017f' is not a duration; use e.g. 30s, 2m, 1h, 7d or PT30S | PT10S",
      })
  void testConvert_acceptsAndRefusesAsEachOptionSays(String value, String general, String fetchCertTimeout) {
    assertThat(converted(new DurationConverter(), value)).as("general: " + value).isEqualTo(general);
    assertThat(converted(new FetchCertCommand.TimeoutConverter(), value)).as("fetch-cert --timeout: " + value)
        .isEqualTo(fetchCertTimeout);
  }

  /**
   * Found by a trial: 'watch --interval 0' answered "'0' has no unit; write it with one: 0ms, 0s,
   * ...", and '--interval 0s' then "--interval must be longer than 0s" (so did fetch-cert's
   * '--timeout 0'). An option that needs some time says so of a bare 0, and of 0 with a unit.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0      | '0' must be longer than 0; use e.g. 30s, 2m, 1h, 7d or PT30S",
        "000    | '000' must be longer than 0; use e.g. 30s, 2m, 1h, 7d or PT30S",
        "0s     | '0s' must be longer than 0; use e.g. 30s, 2m, 1h, 7d or PT30S",
        "PT0S   | 'PT0S' must be longer than 0; use e.g. 30s, 2m, 1h, 7d or PT30S",
        "PT-5S  | 'PT-5S' must be longer than 0; use e.g. 30s, 2m, 1h, 7d or PT30S",
        "5      | '5' has no unit; write it with one: 5ms, 5s, 5m, 5h or 5d",
        "1ms    | PT0.001S",
        "30s    | PT30S",
      })
  void testPositive_refusesZeroWithoutSuggestingIt(String value, String expected) {
    assertThat(converted(new DurationConverter.Positive(), value)).isEqualTo(expected);
  }

  /** The duration in ISO-8601, or the refusal's message. */
  private static String converted(CommandLine.ITypeConverter<Duration> converter, String value) {
    Throwable refused = catchThrowable(() -> converter.convert(value));
    if (refused == null) {
      try {
        return converter.convert(value).toString();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    assertThat(refused).isInstanceOf(CommandLine.TypeConversionException.class);
    return refused.getMessage();
  }
}
