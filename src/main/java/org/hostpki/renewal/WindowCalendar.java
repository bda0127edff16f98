package org.hostpki.renewal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.hostpki.model.MaintenanceWindow;

/**
 * The openings of maintenance windows on the calendar, in their own time zones. A time that falls
 * in a daylight-saving gap moves on by the gap (02:30 on the spring-forward night is 03:30); a
 * window whose end then falls at or before its start does not open that night. On the night the
 * clocks go back, a window lasts an hour longer.
 */
final class WindowCalendar {
  /** Every window opens at least once a week; a day more covers one that started yesterday. */
  private static final int DAYS_AHEAD = 8;

  private WindowCalendar() {}

  /**
   * One opening of a window.
   *
   * @param from when renewals may start in it: at or after {@code start}, before {@code end}
   */
  record Opening(MaintenanceWindow window, Instant start, Instant end, Instant from) {}

  /**
   * The first moment at or after {@code t} inside one of {@code windows}, not earlier in its
   * opening than {@code share} of the opening's first half; empty when none opens within a week
   * (a window that never opens, say one shorter than a daylight-saving gap).
   */
  static Optional<Opening> firstAllowed(List<MaintenanceWindow> windows, double share, Instant t) {
    Opening best = null;
    for (MaintenanceWindow w : windows) {
      LocalDate today = t.atZone(w.zone()).toLocalDate();
      for (LocalDate day = today.minusDays(1); !day.isAfter(today.plusDays(DAYS_AHEAD)); day = day.plusDays(1)) {
        if (!w.days().contains(day.getDayOfWeek())) {
          continue;
        }
        Instant start = ZonedDateTime.of(day, w.start(), w.zone()).toInstant();
        LocalDate endDay = w.crossesMidnight() ? day.plusDays(1) : day;
        Instant end = ZonedDateTime.of(endDay, w.end(), w.zone()).toInstant();
        if (!end.isAfter(t) || !end.isAfter(start)) {
          continue;
        }
        Duration half = Duration.between(start, end).dividedBy(2);
        Instant spreadFrom = start.plusSeconds((long) (share * half.getSeconds()));
        Instant from = t.isAfter(spreadFrom) ? t : spreadFrom;
        if (best == null || from.isBefore(best.from())) {
          best = new Opening(w, start, end, from);
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
