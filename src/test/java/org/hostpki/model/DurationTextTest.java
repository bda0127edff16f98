package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

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
}
