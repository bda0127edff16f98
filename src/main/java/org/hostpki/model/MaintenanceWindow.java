package org.hostpki.model;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When unattended runs may renew: on these days, from {@code start} to {@code end} local time in
 * {@code zone}. An end at or before the start ends on the next day ({@code 22:00}–{@code 02:00});
 * the day is the one the window starts on. {@code 00:00}–{@code 24:00}, both midnight, is the
 * whole day.
 *
 * @param days the days the window starts on; all seven when every day
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {

  public MaintenanceWindow {
    if (days.isEmpty()) {
      throw new IllegalArgumentException("a window needs at least one day");
    }
    days = Collections.unmodifiableSet(EnumSet.copyOf(days));
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(zone, "zone");
    if (start.equals(end) && !start.equals(LocalTime.MIDNIGHT)) {
      throw new IllegalArgumentException("a window's end must differ from its start");
    }
  }

  /** Every day, from {@code start} to {@code end} in {@code zone}. */
  public static MaintenanceWindow daily(LocalTime start, LocalTime end, ZoneId zone) {
    return new MaintenanceWindow(EnumSet.allOf(DayOfWeek.class), start, end, zone);
  }

  /** Whether the window ends on the day after it starts. */
  public boolean crossesMidnight() {
    return !end.isAfter(start);
  }

  /** {@code Sat, Sun 02:00–05:00 Europe/Berlin}; {@code daily 02:00–05:00 UTC}. */
  @Override
  public String toString() {
    String dayText =
        days.size() == 7
            ? "daily"
            : days.stream()
                .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ROOT))
                .collect(Collectors.joining(", "));
    String endText = end.equals(LocalTime.MIDNIGHT) ? "24:00" : end.toString();
    return dayText + " " + start + "–" + endText + " " + zone.getId();
  }
}
