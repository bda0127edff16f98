package org.hostpki.config;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hostpki.model.EnumValues;
import org.hostpki.model.MaintenanceWindow;
import org.hostpki.model.Percentage;
import org.hostpki.model.RenewalSpec;

/** The {@code renewal} section: jitter and maintenance windows. */
final class RenewalBinder {
  private static final ZoneId UTC = ZoneId.of("UTC");

  private final Fields fields;

  RenewalBinder(Fields fields) {
    this.fields = fields;
  }

  RenewalSpec bind(YamlNode.Mapping renewal) {
    Percentage jitter =
        fields.percentage(renewal, "jitter", RenewalSpec.MAX_JITTER, "10%")
            .map(Fields.Given::value)
            .orElse(RenewalSpec.DEFAULT_JITTER);
    List<MaintenanceWindow> windows = new ArrayList<>();
    for (YamlNode item : renewal.sequence("windows").map(YamlNode.Sequence::items).orElse(List.of())) {
      if (item instanceof YamlNode.Mapping window) {
        window(window).ifPresent(windows::add);
      }
    }
    return new RenewalSpec(jitter, windows);
  }

  private Optional<MaintenanceWindow> window(YamlNode.Mapping window) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (Fields.Given<String> day : fields.strings(window, "days")) {
      dayOfWeek(day.value()).ifPresent(days::add); // other names: reported by the schema check
    }
    if (days.isEmpty()) {
      days = EnumSet.allOf(DayOfWeek.class);
    }
    // 24:00 ends a day and starts none: as a start, the schema check reported it
    Optional<LocalTime> start =
        fields.string(window, "start").filter(t -> !t.value().equals("24:00")).flatMap(RenewalBinder::time);
    Optional<Fields.Given<String>> endText = fields.string(window, "end");
    Optional<LocalTime> end = endText.flatMap(RenewalBinder::time);
    Optional<ZoneId> zone = fields.string(window, "timeZone").map(this::zone).orElse(Optional.of(UTC));
    if (start.isEmpty() || end.isEmpty() || zone.isEmpty()) {
      return Optional.empty(); // missing or malformed: reported by the schema check, or above
    }
    boolean wholeDay = start.get().equals(LocalTime.MIDNIGHT) && endText.get().value().equals("24:00");
    if (start.get().equals(end.get()) && !wholeDay) {
      fields.error(
          window.get("end").orElse(window),
          window.childPath("end") + " (" + text(end.get()) + ") is the same as its start, so the"
              + " window would be empty; for renewals at any time leave renewal.windows out");
      return Optional.empty();
    }
    return Optional.of(new MaintenanceWindow(days, start.get(), end.get(), zone.get()));
  }

  private static Optional<DayOfWeek> dayOfWeek(String name) {
    return EnumValues.find(DayOfWeek.class, RenewalBinder::dayName, name);
  }

  /** {@code HH:MM}; {@code 24:00} is the end of the day. The schema checked the form. */
  private static Optional<LocalTime> time(Fields.Given<String> text) {
    String t = text.value();
    if (t.equals("24:00")) {
      return Optional.of(LocalTime.MIDNIGHT);
    }
    try {
      return Optional.of(LocalTime.of(Integer.parseInt(t.substring(0, 2)), Integer.parseInt(t.substring(3, 5))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String text(LocalTime time) {
    return time.equals(LocalTime.MIDNIGHT) ? "00:00" : time.toString();
  }

  private Optional<ZoneId> zone(Fields.Given<String> name) {
    try {
      return Optional.of(ZoneId.of(name.value()));
    } catch (DateTimeException e) {
      String hint =
          Spelling.closest(name.value(), ZoneId.getAvailableZoneIds())
              .map(z -> "; did you mean '" + z + "'?")
              .orElse("");
      fields.error(
          name.node(),
          name.node().displayName() + " '" + name.value() + "' is not a time zone; write a name of the"
              + " tz database such as Europe/Berlin or America/New_York, or UTC" + hint);
      return Optional.empty();
    }
  }

  /** {@code Mon}, as the file writes it. */
  private static String dayName(DayOfWeek day) {
    String name = day.name();
    return name.charAt(0) + name.substring(1, 3).toLowerCase(Locale.ROOT);
  }
}
