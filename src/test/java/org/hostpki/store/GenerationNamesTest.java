package org.hostpki.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GenerationNamesTest {
  private static final Instant T = Instant.parse("2026-03-01T12:34:56.123456789Z");

  @Test
  void testOf_isTheUtcTimeToTheNanosecond() {
    assertThat(GenerationNames.of(T)).isEqualTo("..2026_03_01_12_34_56.123456789");
  }

  @Test
  void testTime_readsTheNameBack() {
    assertThat(GenerationNames.time("..2026_03_01_12_34_56.123456789")).isEqualTo(T);
  }

  @Test
  void testIsGeneration_onlyWellFormedNames() {
    assertThat(GenerationNames.isGeneration("..2026_03_01_12_34_56.123456789")).isTrue();
    assertThat(GenerationNames.isGeneration("..data")).isFalse();
    assertThat(GenerationNames.isGeneration("..2026_13_01_12_34_56.123456789")).isFalse();
    assertThat(GenerationNames.isGeneration("..2026_03_01_12_34_56.123456789.partial")).isFalse();
    assertThat(GenerationNames.isGeneration("../etc")).isFalse();
  }

  @Test
  void testIsLeftover_partialAndRemovingDirectories() {
    assertThat(GenerationNames.isLeftover("..2026_03_01_12_34_56.123456789.partial")).isTrue();
    assertThat(GenerationNames.isLeftover("..2026_03_01_12_34_56.123456789.removing")).isTrue();
    assertThat(GenerationNames.isLeftover("..2026_03_01_12_34_56.123456789")).isFalse();
    assertThat(GenerationNames.isLeftover("..data_tmp")).isFalse();
  }

  @Test
  void testNext_isNowWhenTheClockMovedOn() {
    assertThat(GenerationNames.next(T, Optional.of("..2026_03_01_00_00_00.000000000")))
        .isEqualTo(GenerationNames.of(T));
  }

  @Test
  void testNext_isOneNanosecondLaterWhenTheClockDidNot() {
    assertThat(GenerationNames.next(T, Optional.of(GenerationNames.of(T))))
        .isEqualTo("..2026_03_01_12_34_56.123456790");
  }

  @Test
  void testNext_namesSortInTimeOrder() {
    assertThat(GenerationNames.of(Instant.parse("2026-03-01T09:00:00Z")))
        .isLessThan(GenerationNames.of(Instant.parse("2026-03-01T10:00:00Z")));
  }
}
