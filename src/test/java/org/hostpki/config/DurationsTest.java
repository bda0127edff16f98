package org.hostpki.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class DurationsTest {

  @Test
  void testParse_shortFormsOfEachUnit() {
    assertThat(Durations.parse("90d")).contains(Duration.ofDays(90));
    assertThat(Durations.parse("12h")).contains(Duration.ofHours(12));
    assertThat(Durations.parse("30m")).contains(Duration.ofMinutes(30));
    assertThat(Durations.parse("45s")).contains(Duration.ofSeconds(45));
  }

  @Test
  void testParse_isoForms() {
    assertThat(Durations.parse("P90D")).contains(Duration.ofDays(90));
    assertThat(Durations.parse("PT12H")).contains(Duration.ofHours(12));
    assertThat(Durations.parse("P1DT1H30M")).contains(Duration.ofMinutes(24 * 60 + 90));
  }

  @Test
  void testParse_textThatIsNoDurationIsEmpty() {
    assertThat(Durations.parse("90")).isEmpty();
    assertThat(Durations.parse("10y")).isEmpty();
    assertThat(Durations.parse("P")).isEmpty();
    assertThat(Durations.parse("PT")).isEmpty();
  }

  @Test
  void testParse_tooLargeToHoldIsTooLong() {
    // read as longer than any limit, so it is refused as too long, not as "no duration"
    assertThat(Durations.parse("99999999999999999999d")).contains(Durations.TOO_LONG);
    assertThat(Durations.parse("9999999999999999d")).contains(Durations.TOO_LONG);
    assertThat(Durations.parse("P99999999999999999999D")).contains(Durations.TOO_LONG);
  }
}
