package org.hostpki.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The one bound of a time read back from a record: the years 1970 to 9999, each one a date. */
class RecordTimeTest {
  @Test
  void testOfEpochSecond_everyTimeItTakesIsWrittenAsADate() {
    assertThat(RecordTime.ofEpochSecond(0)).contains(Instant.EPOCH);
    assertThat(RecordTime.ofEpochSecond(253402300799L).map(DateText::precise)).contains("9999-12-31 23:59:59 UTC");
    // past 9999, Instant's last year (DateText threw "Invalid value for EpochDay"), before 1970
    assertThat(RecordTime.ofEpochSecond(253402300800L)).isEmpty();
    assertThat(RecordTime.ofEpochSecond(31556889864403199L)).isEmpty();
    assertThat(RecordTime.ofEpochSecond(-1)).isEmpty();
  }

  @Test
  void testParse_aTimeOutsideTheYearsOrNotATimeIsEmpty() {
    assertThat(RecordTime.parse("2026-12-07T22:00:00Z")).contains(Instant.parse("2026-12-07T22:00:00Z"));
    assertThat(RecordTime.parse("+1000000000-12-31T23:59:59Z")).isEmpty();
    assertThat(RecordTime.parse("+10000-01-01T00:00:00Z")).isEmpty();
    assertThat(RecordTime.parse("1969-12-31T23:59:59Z")).isEmpty();
    assertThat(RecordTime.parse("yesterday")).isEmpty();
  }
}
