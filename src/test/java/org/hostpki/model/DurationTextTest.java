package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class DurationTextTest {
  @Test
  void testOf_usesTheLargestWholeUnit() {
    assertThat(DurationText.of(Duration.ofDays(398))).isEqualTo("398d");
    assertThat(DurationText.of(Duration.ofHours(36))).isEqualTo("36h");
    assertThat(DurationText.of(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(DurationText.of(Duration.ofSeconds(45))).isEqualTo("45s");
  }

  @Test
  void testOf_zeroIsZeroSeconds() {
    assertThat(DurationText.of(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void testOf_partsOfASecondAreMilliseconds() {
    assertThat(DurationText.of(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(DurationText.of(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }

  @Test
  void testExact_namesEveryPartThatIsNotZero() {
    assertThat(DurationText.exact(Duration.ofDays(39).plusHours(23))).isEqualTo("39d 23h");
    assertThat(DurationText.exact(Duration.ofMinutes(58).plusSeconds(45))).isEqualTo("58m 45s");
    assertThat(DurationText.exact(Duration.ofDays(1).plusSeconds(1))).isEqualTo("1d 1s");
    assertThat(DurationText.exact(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void testLeft_countsDaysFromTwoDaysOnAndHoursAndMinutesBelow() {
    assertThat(DurationText.left(Duration.ofDays(41).plusHours(5))).isEqualTo("41 days");
    assertThat(DurationText.left(Duration.ofDays(2))).isEqualTo("2 days");
    assertThat(DurationText.left(Duration.ofDays(2).minusSeconds(1))).isEqualTo("1d 23h 59m");
    assertThat(DurationText.left(Duration.ofHours(22).plusMinutes(59).plusSeconds(59))).isEqualTo("22h 59m");
    assertThat(DurationText.left(Duration.ofMinutes(47))).isEqualTo("47m");
    assertThat(DurationText.left(Duration.ofSeconds(59))).isEqualTo("less than a minute");
  }
}
