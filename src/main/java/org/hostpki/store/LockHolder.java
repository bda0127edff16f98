package org.hostpki.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Who holds a store's lock, as written into the lock file so that a refused caller can say so:
 *
 * <pre>
 * pid: 1234
 * since: 2026-03-01T12:00:00Z
 * holder: hostpki apply
 * </pre>
 */
record LockHolder(long pid, Instant since, String description) {

  LockHolder {
    since = since.truncatedTo(ChronoUnit.SECONDS);
    description = description.replaceAll("\\s+", " ").strip();
  }

  byte[] toBytes() {
    return ("pid: " + pid + "\nsince: " + since + "\nholder: " + description + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Empty when the file is empty (its holder has not written it yet) or not in this form. */
  static Optional<LockHolder> parse(byte[] content) {
    Long pid = null;
    Instant since = null;
    String description = null;
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      int colon = line.indexOf(": ");
      if (colon < 0) {
        continue;
      }
      String value = line.substring(colon + 2);
      try {
        switch (line.substring(0, colon)) {
          case "pid" -> pid = Long.parseLong(value);
          case "since" -> since = Instant.parse(value);
          case "holder" -> description = value;
          default -> { }
        }
      } catch (NumberFormatException | DateTimeParseException e) {
        return Optional.empty();
      }
    }
    if (pid == null || since == null || description == null) {
      return Optional.empty();
    }
    return Optional.of(new LockHolder(pid, since, description));
  }

  /** For messages: {@code pid 1234 (hostpki apply, since 2026-03-01T12:00:00Z)}. */
  @Override
  public String toString() {
    return "pid " + pid + " (" + description + ", since " + since + ")";
  }
}
