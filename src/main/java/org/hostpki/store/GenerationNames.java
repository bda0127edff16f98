package org.hostpki.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names of generation directories: {@code ..2026_03_01_12_00_00.123456789}, the UTC time of the
 * write to the nanosecond. The fixed width makes name order time order, so history needs no
 * other record. Names are strictly increasing: when the clock has not moved past the newest
 * generation (a fixed test clock, a clock stepped back), the next name is the newest plus one
 * nanosecond.
 *
 * <p>A generation being built is {@code NAME.partial}; one being deleted is first renamed to
 * {@code NAME.removing}, so that a crash never leaves a half-deleted directory under a
 * generation's name. Both are leftovers that the next write removes.
 */
final class GenerationNames {
  static final String PARTIAL_SUFFIX = ".partial";
  static final String REMOVING_SUFFIX = ".removing";

  private static final String GENERATION_REGEX =
      "\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d{9}";
  private static final Pattern GENERATION = Pattern.compile(GENERATION_REGEX);
  private static final Pattern LEFTOVER =
      Pattern.compile(GENERATION_REGEX + "(\\.partial|\\.removing)");
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("'..'uuuu_MM_dd_HH_mm_ss.SSSSSSSSS")
          .withZone(ZoneOffset.UTC)
          .withResolverStyle(ResolverStyle.STRICT);

  private GenerationNames() {}

  static boolean isGeneration(String name) {
    return parse(name).isPresent();
  }

  static boolean isLeftover(String name) {
    return LEFTOVER.matcher(name).matches();
  }

  static String of(Instant time) {
    return FORMAT.format(time);
  }

  static Instant time(String generation) {
    return parse(generation)
        .orElseThrow(() -> new IllegalArgumentException("not a generation name: " + generation));
  }

  private static Optional<Instant> parse(String name) {
    if (!GENERATION.matcher(name).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.from(FORMAT.parse(name)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The name for a write at {@code now}, later than every existing generation. */
  static String next(Instant now, Optional<String> newest) {
    if (newest.isPresent()) {
      Instant floor = time(newest.get());
      if (!now.isAfter(floor)) {
        return of(floor.plusNanos(1));
      }
    }
    return of(now);
  }
}
