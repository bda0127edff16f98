package org.hostpki.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.hostpki.model.MaintenanceWindow;
import org.junit.jupiter.api.Test;

class WindowCalendarTest {
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static MaintenanceWindow window(EnumSet<DayOfWeek> days, String start, String end, ZoneId zone) {
    return new MaintenanceWindow(
        days, LocalTime.parse(start), end.equals("24:00") ? LocalTime.MIDNIGHT : LocalTime.parse(end), zone);
  }

  private static WindowCalendar.Opening first(MaintenanceWindow w, String at) {
    return WindowCalendar.firstAllowed(List.of(w), 0, Instant.parse(at)).orElseThrow();
  }

  @Test
  void testFirstAllowed_insideAnOpenWindowIsNow() {
    MaintenanceWindow w = window(EnumSet.of(DayOfWeek.SATURDAY), "02:00", "05:00", UTC);

    assertThat(first(w, "2026-12-05T03:00:00Z").from()).isEqualTo(Instant.parse("2026-12-05T03:00:00Z"));
  }

  @Test
  void testFirstAllowed_afterAWindowIsTheNextWeeks() {
    MaintenanceWindow w = window(EnumSet.of(DayOfWeek.SATURDAY), "02:00", "05:00", UTC);

    WindowCalendar.Opening o = first(w, "2026-12-05T05:00:00Z");

    assertThat(o.start()).isEqualTo(Instant.parse("2026-12-12T02:00:00Z"));
    assertThat(o.end()).isEqualTo(Instant.parse("2026-12-12T05:00:00Z"));
  }

  @Test
  void testFirstAllowed_aWindowCrossingMidnightBelongsToTheDayItStarts() {
    MaintenanceWindow w = window(EnumSet.of(DayOfWeek.FRIDAY), "22:00", "02:00", UTC);

    // Saturday 01:00 is inside Friday's window
    assertThat(first(w, "2026-12-05T01:00:00Z").from()).isEqualTo(Instant.parse("2026-12-05T01:00:00Z"));
    assertThat(first(w, "2026-12-05T02:00:00Z").start()).isEqualTo(Instant.parse("2026-12-11T22:00:00Z"));
  }

  @Test
  void testFirstAllowed_fromMidnightTo2400IsTheWholeDay() {
    MaintenanceWindow w = window(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), "00:00", "24:00", UTC);

    WindowCalendar.Opening o = first(w, "2026-12-01T00:00:00Z");

    assertThat(o.start()).isEqualTo(Instant.parse("2026-12-05T00:00:00Z"));
    assertThat(o.end()).isEqualTo(Instant.parse("2026-12-06T00:00:00Z"));
    assertThat(first(w, "2026-12-06T23:59:00Z").from()).isEqualTo(Instant.parse("2026-12-06T23:59:00Z"));
    assertThat(w).hasToString("Sat, Sun 00:00–24:00 UTC");
  }

  @Test
  void testFirstAllowed_anEndOf2400IsMidnight() {
    MaintenanceWindow w = window(EnumSet.of(DayOfWeek.SUNDAY), "22:00", "24:00", UTC);

    WindowCalendar.Opening o = first(w, "2026-12-01T00:00:00Z");

    assertThat(o.start()).isEqualTo(Instant.parse("2026-12-06T22:00:00Z"));
    assertThat(o.end()).isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
    assertThat(w).hasToString("Sun 22:00–24:00 UTC");
  }

  @Test
  void testFirstAllowed_inTheWindowsTimeZoneAcrossDaylightSaving() {
    MaintenanceWindow w = window(EnumSet.of(DayOfWeek.SUNDAY), "01:00", "04:00", BERLIN);

    // 29 March 2026: clocks go from 02:00 to 03:00 in Berlin; the window is 01:00 CET to 04:00 CEST
    WindowCalendar.Opening spring = first(w, "2026-03-28T12:00:00Z");
    // 25 October 2026: clocks go back from 03:00 to 02:00; the window lasts four hours
    WindowCalendar.Opening autumn = first(w, "2026-10-24T12:00:00Z");

    assertThat(spring.start()).isEqualTo(Instant.parse("2026-03-29T00:00:00Z"));
    assertThat(spring.end()).isEqualTo(Instant.parse("2026-03-29T02:00:00Z"));
    assertThat(autumn.start()).isEqualTo(Instant.parse("2026-10-24T23:00:00Z"));
    assertThat(autumn.end()).isEqualTo(Instant.parse("2026-10-25T03:00:00Z"));
  }

  @Test
  void testFirstAllowed_aWindowInsideTheSpringGapStartsWhenTheClockResumes() {
    MaintenanceWindow w = window(EnumSet.of(DayOfWeek.SUNDAY), "02:15", "03:30", BERLIN);

    WindowCalendar.Opening o = first(w, "2026-03-28T12:00:00Z");

    // 02:15 does not exist that night: 03:15 CEST, 01:15 UTC
    assertThat(o.start()).isEqualTo(Instant.parse("2026-03-29T01:15:00Z"));
    assertThat(o.end()).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
  }

  /**
   * The hour the clocks skip, as a window (Sun 02:00–03:00 in Berlin and New York): it does not
   * open on the spring-forward night, the next Sunday's does. On the night the clocks go back it
   * spans both 02:00s in Berlin (two hours); New York repeats 01:00 instead, so it is one hour
   * there. Tried with the jar under faketime: the plan waits for the next Sunday, or for the safety
   * margin when that comes first.
   */
  @Test
  void testFirstAllowed_theSkippedHourAsAWindowDoesNotOpenThatNight() {
    for (String[] c :
        List.of(
            new String[] {"Europe/Berlin", "2027-03-27T12:00:00Z", "2027-04-04T00:00:00Z", "2027-10-30T12:00:00Z", "2027-10-31T00:00:00Z", "2027-10-31T02:00:00Z"},
            new String[] {"America/New_York", "2027-03-13T12:00:00Z", "2027-03-21T06:00:00Z", "2027-11-06T12:00:00Z", "2027-11-07T07:00:00Z", "2027-11-07T08:00:00Z"})) {
      MaintenanceWindow w = window(EnumSet.of(DayOfWeek.SUNDAY), "02:00", "03:00", java.time.ZoneId.of(c[0]));

      WindowCalendar.Opening spring = first(w, c[1]);
      WindowCalendar.Opening autumn = first(w, c[3]);

      assertThat(spring.start()).as(c[0]).isEqualTo(Instant.parse(c[2]));
      assertThat(autumn.start()).as(c[0]).isEqualTo(Instant.parse(c[4]));
      assertThat(autumn.end()).as(c[0]).isEqualTo(Instant.parse(c[5]));
    }
  }

  @Test
  void testFirstAllowed_theShareMovesTheStartWithinTheFirstHalf() {
    MaintenanceWindow w = window(EnumSet.of(DayOfWeek.SATURDAY), "02:00", "06:00", UTC);

    assertThat(WindowCalendar.firstAllowed(List.of(w), 0.5, Instant.parse("2026-12-01T00:00:00Z")).orElseThrow().from())
        .isEqualTo(Instant.parse("2026-12-05T03:00:00Z"));
    assertThat(WindowCalendar.firstAllowed(List.of(w), 0.5, Instant.parse("2026-12-05T04:00:00Z")).orElseThrow().from())
        .isEqualTo(Instant.parse("2026-12-05T04:00:00Z"));
  }

  @Test
  void testFirstAllowed_theEarliestOfSeveralWindows() {
    MaintenanceWindow saturday = window(EnumSet.of(DayOfWeek.SATURDAY), "02:00", "05:00", UTC);
    MaintenanceWindow wednesday = window(EnumSet.of(DayOfWeek.WEDNESDAY), "12:00", "13:00", BERLIN);

    WindowCalendar.Opening o =
        WindowCalendar.firstAllowed(List.of(saturday, wednesday), 0, Instant.parse("2026-11-30T00:00:00Z")).orElseThrow();

    assertThat(o.window()).isEqualTo(wednesday);
    assertThat(o.start()).isEqualTo(Instant.parse("2026-12-02T11:00:00Z"));
  }
}
