package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

@Execution(ExecutionMode.CONCURRENT)
class BackdateTest {
  @Test
  void testOf_isAnHourFromTwoDaysOn() {
    assertThat(Backdate.of(Duration.ofDays(3650))).isEqualTo(Duration.ofHours(1));
    assertThat(Backdate.of(Duration.ofDays(40))).isEqualTo(Duration.ofHours(1));
    assertThat(Backdate.of(Duration.ofHours(48))).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void testOf_isA48thOfAShorterValidityInWholeSeconds() {
    assertThat(Backdate.of(Duration.ofHours(24))).isEqualTo(Duration.ofMinutes(30));
    assertThat(Backdate.of(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(75));
    assertThat(Backdate.of(Duration.ofSeconds(100))).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void testUsable_isTheValidityLessTheSetBack() {
    assertThat(Backdate.usable(Duration.ofDays(40))).isEqualTo(Duration.ofDays(40).minusHours(1));
    assertThat(Backdate.usable(Duration.ofHours(24))).isEqualTo(Duration.ofMinutes(23 * 60 + 30));
  }

  @Test
  void testLongestUsableWithin_endsExactlyAtTheSpan() {
    for (Duration span :
        List.of(Duration.ofDays(10), Duration.ofHours(47), Duration.ofHours(10), Duration.ofMinutes(59), Duration.ofSeconds(1234))) {
      Duration validity = Backdate.longestUsableWithin(span);

      assertThat(Backdate.usable(validity)).as(span.toString()).isLessThanOrEqualTo(span);
      assertThat(Backdate.usable(validity.plusSeconds(1))).as(span.toString()).isGreaterThan(span);
    }
  }
}
